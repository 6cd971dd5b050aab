#!/usr/bin/env bash
# Makes the Pulumi toolchain that package.json asks for available offline and
# prints its bin directory as the last line of stdout (progress goes to stderr):
#
#   PATH="$(bash toolchain/ensure-pulumi.sh):$PATH"
#
# The bin directory holds pulumi and pulumi-language-nodejs and, when the Go
# module proxy serves their sources, pulumi-resource-docker and
# pulumi-resource-command, all built from Go modules (no download site but the
# Go module proxy is reachable); the two resource plugins are installed into
# PULUMI_HOME at the versions the npm packages request.
#
# What it builds when the proxy refuses the exact versions:
# - the CLI: pkg/v3 at the version of npm's @pulumi/pulumi, otherwise the newest
#   served pkg/v3 that is not older (the CLI must be at least as new as the SDK);
# - the Node language host: its own module at the CLI's release, otherwise the
#   newest github.com/pulumi/pulumi/sdk/v3 that still contains it
#   (NODEJS_HOST_LAST_IN_SDK in toolchain/pulumi-build/versions.sh);
# - a resource plugin whose sources the proxy refuses is not built: it is listed,
#   with the proxy's answer, in <bin>/../UNAVAILABLE, a warning is printed on
#   every run, and the script still succeeds. toolchain/env.sh exports that file's
#   path as ADE_TOOLCHAIN_UNAVAILABLE.
# - for such a plugin, unless a real one is installed in PULUMI_HOME or on PATH,
#   it builds this project's STAND-IN (toolchain/standin-providers: Go,
#   on the served pulumi sdk/v3, driving the docker CLI; only what the program
#   uses), installs it under the plugin's name and version, lists it in
#   <bin>/../STANDIN and warns on every run. toolchain/env.sh exports that file's
#   path as ADE_TOOLCHAIN_STANDIN. A real plugin, once built, replaces it.
#
# Toolchains live in ~/.cache/ade-platform/toolchain/, each in a directory named
# after what was really built (pulumi-<cli>_nodejs-<host source>_docker-<v>_command-<v>),
# reached through a link named after package.json's pins
# (pulumi-<pin>_docker-<pin>_command-<pin>), so a warm run asks no network.
# Removing that link makes the next run ask the proxy again (and build what it
# serves by then); removing the directory it points at rebuilds it.
set -Eeuo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=toolchain/lib.sh
source "$here/lib.sh"
# shellcheck source=toolchain/pulumi-build/versions.sh
source "$here/pulumi-build/versions.sh"

# Prints "name version" for each installed resource plugin of the pulumi given as $1.
installed_plugins() {
  "$1" plugin ls --json 2>/dev/null |
    node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{for(const p of JSON.parse(s||"[]"))if(p.kind==="resource")console.log(p.name,p.version)})' ||
    true
}

# True when plugin $2 at version $3 is installed for pulumi $1, or a binary of
# that name is on PATH (the engine then uses it as an ambient plugin).
has_plugin() {
  grep -qx "$2 $3" <<<"$(installed_plugins "$1")" || command -v "pulumi-resource-$2" >/dev/null
}

# Runs "go build" for package $2 into $3 in wrapper module $1 with -X stamp $4, timing it.
go_build() {
  local module_dir="$1" package="$2" output="$3" stamp="$4" label="$5" started
  started="$(date +%s)"
  step "building $label"
  log "building $label ..."
  (cd "$module_dir" && go build -trimpath -o "$output" -ldflags "-s -w -X $stamp" "$package") ||
    die "go build $package failed (wrapper module: $module_dir)"
  log "built $label in $(elapsed_since "$started") s"
}

# Prints the replace directives of an upstream go.mod that point at module
# versions; the local-path ones (../sdk, ../upstream) are the wrapper's business.
versioned_replaces() {
  awk '
    /^replace[[:space:]]*\($/ { block = 1; next }
    block && /^\)/ { block = 0; next }
    /^replace[[:space:]]/ || block {
      line = $0; sub(/^replace[[:space:]]+/, "", line); sub(/\/\/.*/, "", line)
      split(line, sides, "=>"); n = split(sides[2], rhs, " ")
      if (n == 2) { gsub(/[[:space:]]+$/, "", sides[1]); gsub(/^[[:space:]]+/, "", sides[1]); print sides[1] "=" rhs[1] "@" rhs[2] }
    }' "$1"
}

# Creates wrapper module $1 named $2 with "path@version" requires $3... and the
# replace directives read from upstream go.mod files listed in WRAPPER_REPLACES_FROM.
new_wrapper() {
  local dir="$1" name="$2" req from
  shift 2
  mkdir -p "$dir"
  (cd "$dir" && go mod init "$name" >/dev/null 2>&1)
  for req in "$@"; do (cd "$dir" && go mod edit -require="$req"); done
  for from in ${WRAPPER_REPLACES_FROM:-}; do
    while IFS= read -r replace; do
      [[ -n "$replace" ]] && (cd "$dir" && go mod edit -replace="$replace")
    done < <(versioned_replaces "$from")
  done
}

# Turns an error of the go command (multi-line, or JSON-escaped with \n\t) into
# one line holding the proxy's answer, without the "reading https://...:" prefix.
proxy_answer() {
  local answer
  answer="$(printf '%s\n' "$1" | sed 's/\\n\\t/\n/g; s/\\n/\n/g' | sed 's/^[[:space:]]*//; /^$/d' | paste -sd ';' - | sed 's/;/; /g')"
  [[ "$answer" != *https://*": "* ]] || answer="${answer#*https://*: }"
  printf '%s\n' "$answer"
}

# Prints the directory of module $1 in the module cache, downloading it first;
# when the proxy does not serve it, prints why (with the proxy's answer) and returns 1.
module_dir() {
  local json dir error
  json="$(go mod download -json "$1" 2>&1)" || true
  dir="$(sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p' <<<"$json")"
  if [[ -n "$dir" && -d "$dir" ]]; then
    printf '%s\n' "$dir"
  else
    error="$(sed -n 's/^[[:space:]]*"Error": "\(.*\)",\{0,1\}$/\1/p' <<<"$json" | head -n 1)"
    [[ -n "$error" ]] || error="$json"
    printf 'the Go module proxy does not serve %s (its answer: %s)\n' "$1" "$(proxy_answer "$error")"
    return 1
  fi
}

# Prints the release versions (vX.Y.Z) of module $1 that the proxy lists, newest first.
served_versions() {
  go list -m -versions "$1" 2>/dev/null | tr ' ' '\n' | tail -n +2 | grep -E '^v[0-9]+\.[0-9]+\.[0-9]+$' | sort -rV || true
}

# True when version $1 is the same as or newer than version $2 (both without "v").
version_ge() {
  [[ "$(printf '%s\n%s\n' "$1" "$2" | sort -V | head -n 1)" == "$2" ]]
}

# Sets CLI_VERSION and PKG_DIR: pkg/v3 at the version npm's @pulumi/pulumi pins,
# otherwise the newest served pkg/v3 that is not older than it. Adds to PROBLEMS
# when there is none.
resolve_cli() {
  local pinned="$PULUMI_VERSION" refusal v dir="" tried=()
  step "choosing the pulumi CLI version"
  if PKG_DIR="$(module_dir "github.com/pulumi/pulumi/pkg/v3@v$pinned")" &&
    dir="$(module_dir "github.com/pulumi/pulumi/sdk/v3@v$pinned")"; then
    CLI_VERSION="$pinned"
    log "pulumi CLI: v$pinned, the version package.json pins for @pulumi/pulumi (the Go module proxy serves it)"
    return 0
  fi
  refusal="$PKG_DIR"
  [[ -z "$dir" ]] || refusal="$dir"
  while read -r v; do
    [[ -n "$v" && "$v" != "v$pinned" ]] || continue
    version_ge "${v#v}" "$pinned" || continue
    dir=""
    if PKG_DIR="$(module_dir "github.com/pulumi/pulumi/pkg/v3@$v")" &&
      dir="$(module_dir "github.com/pulumi/pulumi/sdk/v3@$v")"; then
      CLI_VERSION="${v#v}"
      log "pulumi CLI: v$CLI_VERSION, NOT v$pinned which package.json pins for @pulumi/pulumi, because"
      log "  $refusal;"
      log "  v$CLI_VERSION is the newest pkg/v3 the proxy serves that is not older than v$pinned"
      log "  (the CLI must be at least as new as the @pulumi/pulumi SDK it runs)"
      return 0
    fi
    if [[ -n "$dir" ]]; then tried+=("$dir"); else tried+=("$PKG_DIR"); fi
  done < <(served_versions github.com/pulumi/pulumi/pkg/v3)
  PROBLEMS+=("no pulumi CLI can be built: $refusal, and the proxy serves no other github.com/pulumi/pulumi/pkg/v3 >= v$pinned" "${tried[@]}")
}

# Sets LH_KIND (module or sdk), LH_VERSION and LH_LABEL for pulumi-language-nodejs:
# its own module at the CLI's release when served, otherwise the newest served
# sdk/v3 (not newer than NODEJS_HOST_LAST_IN_SDK) that still contains the package.
resolve_language_host() {
  local release="${CLI_VERSION:-$PULUMI_VERSION}" module=github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3
  local pv="" sdk_time="" sdk_hash="" refusal="" list v dir tried=()
  step "choosing the pulumi-language-nodejs source"
  if ! list="$(go list -m -versions "$module" 2>&1)"; then
    refusal="the Go module proxy serves no version of $module (its answer: $(proxy_answer "$list"))"
  else
    if ! pv="$(language_host_version "$release")"; then
      pv=""
      read -r sdk_time sdk_hash < <(go list -m -f '{{.Time.UTC.Format "20060102150405"}} {{with .Origin}}{{.Hash}}{{end}}' \
        "github.com/pulumi/pulumi/sdk/v3@v$release" 2>/dev/null) || true
      [[ -z "$sdk_hash" ]] || pv="v3.0.0-$sdk_time-${sdk_hash:0:12}"
    fi
    if [[ -z "$pv" ]]; then
      refusal="the Go module proxy reports no commit (Origin.Hash) for github.com/pulumi/pulumi/sdk/v3@v$release, so the pseudo-version of $module cannot be derived (add it to language_host_version in toolchain/pulumi-build/versions.sh)"
    elif refusal="$(module_dir "$module@$pv")"; then
      LH_KIND=module LH_VERSION="$pv" LH_LABEL="$release"
      log "pulumi-language-nodejs: its own module $module@$pv (release v$release)"
      return 0
    fi
  fi
  while read -r v; do
    [[ -n "$v" ]] || continue
    version_ge "$NODEJS_HOST_LAST_IN_SDK" "${v#v}" || continue
    if ! dir="$(module_dir "github.com/pulumi/pulumi/sdk/v3@$v")"; then
      tried+=("$dir")
    elif [[ ! -f "$dir/nodejs/cmd/pulumi-language-nodejs/main.go" ]]; then
      tried+=("github.com/pulumi/pulumi/sdk/v3@$v has no nodejs/cmd/pulumi-language-nodejs")
    else
      LH_KIND=sdk LH_VERSION="${v#v}" LH_LABEL="sdk-${v#v}"
      log "pulumi-language-nodejs: from github.com/pulumi/pulumi/sdk/v3@$v, NOT its own module, because"
      log "  $refusal;"
      log "  $v is the newest sdk/v3 the proxy serves that still contains nodejs/cmd/pulumi-language-nodejs"
      return 0
    fi
  done < <(served_versions github.com/pulumi/pulumi/sdk/v3)
  PROBLEMS+=("no pulumi-language-nodejs can be built: $refusal, and no served github.com/pulumi/pulumi/sdk/v3 <= v$NODEJS_HOST_LAST_IN_SDK contains it" "${tried[@]}")
}

# Adds the UNAVAILABLE line of plugin $1 at version $2, missing because of $3.
plugin_unavailable() {
  UNAVAILABLE_LINES+=("pulumi-resource-$1 $2 (for npm @pulumi/$1 $2) was not built: $3")
}

# Fetches the resource plugins' modules; sets DOCKER_OK/COMMAND_OK for those that
# can be built and records the others with plugin_unavailable.
resolve_plugins() {
  local dir upstream_commit="" docker_problems=()
  step "resolving the resource plugins' modules"
  if read -r command_module command_pv < <(command_provider_coordinates "$COMMAND_VERSION"); then
    if dir="$(module_dir "$command_module@$command_pv")"; then
      COMMAND_OK=1
    else
      plugin_unavailable command "$COMMAND_VERSION" "$dir"
    fi
  else
    plugin_unavailable command "$COMMAND_VERSION" "no Go module coordinates for @pulumi/command $COMMAND_VERSION in toolchain/pulumi-build/versions.sh"
  fi

  if read -r docker_module docker_pv upstream_commit < <(docker_provider_coordinates "$DOCKER_VERSION"); then
    docker_dir="$(module_dir "$docker_module@$docker_pv")" || docker_problems+=("$docker_dir")
    if upstream_pv="$(go list -m -f '{{.Version}}' "github.com/kreuzwerker/terraform-provider-docker@$upstream_commit" 2>&1)"; then
      upstream_dir="$(module_dir "github.com/kreuzwerker/terraform-provider-docker@$upstream_pv")" || docker_problems+=("$upstream_dir")
    else
      docker_problems+=("the Go module proxy does not serve github.com/kreuzwerker/terraform-provider-docker at commit $upstream_commit (its answer: $(proxy_answer "$upstream_pv"))")
    fi
  else
    docker_problems+=("no Go module coordinates for @pulumi/docker $DOCKER_VERSION in toolchain/pulumi-build/versions.sh")
  fi
  if ((${#docker_problems[@]} == 0)); then
    DOCKER_OK=1
  else
    local IFS=$'\x1f' joined
    joined="${docker_problems[*]}"
    plugin_unavailable docker "$DOCKER_VERSION" "${joined//$'\x1f'/; and }"
  fi
}

# Writes the lines $2... to the UNAVAILABLE file $1 and warns, or removes $1 when
# there are none.
record_unavailable() {
  local file="$1"
  shift
  if (($# == 0)); then
    rm -f "$file"
    return 0
  fi
  mkdir -p "$(dirname "$file")"
  printf '%s\n' "$@" >"$file.tmp.$$"
  mv -f "$file.tmp.$$" "$file"
}

# Prints a loud warning naming the missing plugins listed in $1; $2 says how to retry.
warn_unavailable() {
  local file="$1" retry="$2" line
  {
    printf '\n[ade] ################################################################################\n'
    printf '[ade] WARNING: the Pulumi toolchain is INCOMPLETE. These resource plugins are missing:\n'
    while IFS= read -r line; do printf '[ade]   - %s\n' "$line"; done <"$file"
    printf '[ade] pulumi preview/up of a program that uses them stops with a "no resource plugin" error.\n'
    printf '[ade] The list is in %s\n' "$file"
    printf '[ade] (source toolchain/env.sh exports it as ADE_TOOLCHAIN_UNAVAILABLE). %s\n' "$retry"
    printf '[ade] ################################################################################\n\n'
  } >&2
}

STANDIN_SRC="$here/standin-providers"

# True when plugin binary $1 is a stand-in rather than a real plugin: this
# project's stand-ins carry their module path (older ones said STAND-IN).
is_standin() {
  [[ -f "$1" ]] && grep -qaF -e ade-platform/standin-providers -e STAND-IN "$1"
}

# Prints the directory holding the Go stand-in of plugin $2 at version $3 for the
# toolchain in bin directory $1, building it first when its sources changed.
build_standin() {
  local bin_dir="$1" name="$2" version="$3" hash dir tmp
  hash="$(cd "$STANDIN_SRC" && find . -type f \( -name '*.go' -o -name go.mod -o -name go.sum \) | LC_ALL=C sort |
    xargs sha256sum | { cat; echo "$name $version"; } | sha256sum | cut -c1-12)"
  dir="$(dirname "$bin_dir")/standin-$name-$version-$hash"
  if [[ ! -x "$dir/pulumi-resource-$name" ]]; then
    command -v go >/dev/null || { log "Go is not on PATH: cannot build the $name stand-in"; return 1; }
    step "building the $name stand-in"
    log "building the STAND-IN pulumi-resource-$name $version from $STANDIN_SRC ..."
    tmp="$(mktemp -d "$dir.partial-XXXXXX")"
    (cd "$STANDIN_SRC" && GOFLAGS="-mod=readonly -buildvcs=false" CGO_ENABLED=0 go build -trimpath \
      -ldflags "-s -w -X main.version=$version" -o "$tmp/pulumi-resource-$name" "./cmd/pulumi-resource-$name") >&2 ||
      { rm -rf "$tmp"; log "go build of the $name stand-in failed (sources: $STANDIN_SRC)"; return 1; }
    mv -T "$tmp" "$dir" 2>/dev/null || rm -rf "$tmp"
  fi
  printf '%s\n' "$dir"
}

# For each plugin the toolchain in bin directory $1 could not build (listed in
# UNAVAILABLE file $2): a real one installed in PULUMI_HOME or on PATH is used as
# it is; otherwise the stand-in is installed into PULUMI_HOME. Writes the STANDIN
# file next to $2 (removed when no stand-in is in use) and warns.
provide_standins() {
  local bin_dir="$1" unavailable_file="$2" standin_file plugin name version installed ambient dir lines=() line
  standin_file="$(dirname "$unavailable_file")/STANDIN"
  for plugin in "docker $DOCKER_VERSION" "command $COMMAND_VERSION"; do
    read -r name version <<<"$plugin"
    grep -qs "^pulumi-resource-$name " "$unavailable_file" || continue
    installed="$PULUMI_HOME/plugins/resource-$name-v$version/pulumi-resource-$name"
    if ambient="$(command -v "pulumi-resource-$name")" && ! is_standin "$ambient"; then
      log "pulumi-resource-$name: using $ambient from PATH (no stand-in)"
      continue
    fi
    if [[ -f "$installed" ]] && ! is_standin "$installed"; then
      log "pulumi-resource-$name $version: using the real plugin installed in $PULUMI_HOME (no stand-in)"
      continue
    fi
    dir="$(build_standin "$bin_dir" "$name" "$version")" || continue
    step "installing the $name stand-in into $PULUMI_HOME"
    if ! cmp -s "$dir/pulumi-resource-$name" "$installed"; then
      "$bin_dir/pulumi" plugin install resource "$name" "$version" --file "$dir/pulumi-resource-$name" --reinstall >&2 ||
        die "pulumi plugin install resource $name $version --file $dir/pulumi-resource-$name failed"
    fi
    lines+=("pulumi-resource-$name $version $dir/pulumi-resource-$name: STAND-IN (toolchain/standin-providers) installed into $PULUMI_HOME; the real plugin is unavailable (see $unavailable_file)")
  done
  record_unavailable "$standin_file" "${lines[@]}"
  [[ -f "$standin_file" ]] || return 0
  {
    printf '\n[ade] ################################################################################\n'
    printf '[ade] WARNING: so STAND-IN resource plugins are installed in place of the real ones:\n'
    while IFS= read -r line; do printf '[ade]   - %s\n' "$line"; done <"$standin_file"
    printf '[ade] They implement only the resources and properties this program uses, with the\n'
    printf '[ade] docker CLI; they are NOT pulumi-docker or pulumi-command. The list is in\n'
    printf '[ade] %s (source toolchain/env.sh exports it as ADE_TOOLCHAIN_STANDIN).\n' "$standin_file"
    printf '[ade] ################################################################################\n\n'
  } >&2
}

build_toolchain() {
  local work="$1" started go_started
  started="$(date +%s)"

  step "writing the wrapper modules"
  local src="$work/src" sdk_req="github.com/pulumi/pulumi/sdk/v3@v$CLI_VERSION" pkg_req="github.com/pulumi/pulumi/pkg/v3@v$CLI_VERSION"
  local sdk_stamp=github.com/pulumi/pulumi/sdk/v3/go/common/version.Version lh_stamp
  declare -A pkg_of=([pulumi]=github.com/pulumi/pulumi/pkg/v3/cmd/pulumi)
  local wrappers=(pulumi language-nodejs)
  WRAPPER_REPLACES_FROM="$PKG_DIR/go.mod" new_wrapper "$src/pulumi" ade.local/build/pulumi "$pkg_req" "$sdk_req"
  if [[ "$LH_KIND" == module ]]; then
    WRAPPER_REPLACES_FROM="$PKG_DIR/go.mod" new_wrapper "$src/language-nodejs" ade.local/build/pulumi-language-nodejs \
      "github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3@$LH_VERSION" "$pkg_req" "$sdk_req"
    pkg_of[language-nodejs]=github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3
    lh_stamp="v$CLI_VERSION"
  else
    # The old SDK's own replace (golang.org/x/text => v0.3.x) is left out on
    # purpose: the host builds and runs with the version its requirements select.
    new_wrapper "$src/language-nodejs" ade.local/build/pulumi-language-nodejs "github.com/pulumi/pulumi/sdk/v3@v$LH_VERSION"
    pkg_of[language-nodejs]=github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs
    lh_stamp="v$LH_VERSION"
  fi

  if [[ -n "$COMMAND_OK" ]]; then
    new_wrapper "$src/command" ade.local/build/pulumi-resource-command "$command_module@$command_pv"
    pkg_of[command]="$command_module/cmd/pulumi-resource-command"
    wrappers+=(command)
  fi

  if [[ -n "$DOCKER_OK" ]]; then
    # The docker provider's main embeds a generated schema and its Terraform
    # upstream lacks the shim package the bridge imports; both are made here.
    WRAPPER_REPLACES_FROM="$docker_dir/go.mod" new_wrapper "$src/docker" ade.local/build/pulumi-resource-docker "$docker_module@$docker_pv"
    cp -R "$upstream_dir" "$src/docker/upstream"
    chmod -R u+w "$src/docker/upstream"
    mkdir -p "$src/docker/upstream/shim" "$src/docker/main"
    cp "$here/pulumi-build/docker-shim/shim.go" "$src/docker/upstream/shim/"
    (cd "$src/docker" &&
      go mod edit -replace=github.com/terraform-providers/terraform-provider-docker=./upstream &&
      go mod edit -require=github.com/terraform-providers/terraform-provider-docker@v0.0.0-00010101000000-000000000000)
    local cmd_src="$docker_dir/provider/cmd/pulumi-resource-docker"
    [[ -d "$cmd_src" ]] || cmd_src="$docker_dir/cmd/pulumi-resource-docker"
    [[ -f "$cmd_src/schema.json" ]] || die "no cmd/pulumi-resource-docker/schema.json in $docker_module@$docker_pv"
    find "$cmd_src" -maxdepth 1 -type f \( -name '*.go' ! -name '*_test.go' -o -name '*.json' \) -exec cp {} "$src/docker/main/" \;
    chmod u+w "$src/docker/main"/*
    node -e 'const fs=require("fs");const [from,to,version]=process.argv.slice(1);
      const schema=JSON.parse(fs.readFileSync(from,"utf8"));
      fs.writeFileSync(to,JSON.stringify({...schema,version},null,4))' \
      "$cmd_src/schema.json" "$src/docker/main/schema-embed.json" "$DOCKER_VERSION" ||
      die "could not generate schema-embed.json from $cmd_src/schema.json"
    pkg_of[docker]=./main
    wrappers+=(docker)
  fi

  # Module downloads are network-bound and the builds CPU-bound: fetch every
  # wrapper's dependencies at once, then compile one binary at a time so that the
  # packages they share (sdk, grpc, protobuf) are compiled once and then cached.
  step "downloading dependencies"
  log "downloading Go dependencies of the wrappers (${wrappers[*]}) ..."
  go_started="$(date +%s)"
  local wrapper pids=() names=()
  for wrapper in "${wrappers[@]}"; do
    (
      [[ "$wrapper" != docker ]] || export CGO_ENABLED=0
      cd "$src/$wrapper" && go list -deps -tags no_compose "${pkg_of[$wrapper]}" >/dev/null 2>"$work/$wrapper-deps.log" || exit 1
    ) &
    pids+=($!) names+=("$wrapper")
  done
  local i failed=()
  for i in "${!pids[@]}"; do wait "${pids[$i]}" || failed+=("${names[$i]}"); done
  for wrapper in "${failed[@]}"; do log "$wrapper: $(tail -n 5 "$work/$wrapper-deps.log")"; done
  ((${#failed[@]} == 0)) || die "could not download the dependencies of: ${failed[*]}"
  log "downloaded dependencies in $(elapsed_since "$go_started") s"

  local out="$work/bin"
  go_build "$src/pulumi" "${pkg_of[pulumi]}" "$out/pulumi" "$sdk_stamp=v$CLI_VERSION" "pulumi CLI v$CLI_VERSION"
  go_build "$src/language-nodejs" "${pkg_of[language-nodejs]}" "$out/pulumi-language-nodejs" \
    "$sdk_stamp=$lh_stamp" "pulumi-language-nodejs $lh_stamp ($LH_KIND $LH_VERSION)"
  if [[ -n "$COMMAND_OK" ]]; then
    go_build "$src/command" "${pkg_of[command]}" "$out/pulumi-resource-command" \
      "github.com/pulumi/pulumi-command/provider/pkg/version.Version=v$COMMAND_VERSION" "pulumi-resource-command v$COMMAND_VERSION"
  fi
  if [[ -n "$DOCKER_OK" ]]; then
    CGO_ENABLED=0 GOFLAGS="$GOFLAGS -tags=no_compose" go_build "$src/docker" ./main "$out/pulumi-resource-docker" \
      "$docker_module/pkg/version.Version=$DOCKER_VERSION" "pulumi-resource-docker $DOCKER_VERSION"
  fi
  log "built the toolchain in $(elapsed_since "$started") s"
}

# Uses pulumi $2 installed by the user in bin directory $1 as it is, recording
# the resource plugins it lacks.
use_installed() {
  local dir="$1" version="$2" plugin name plugin_version lines=() file
  log "using pulumi $version from $dir as it is (package.json pins @pulumi/pulumi $PULUMI_VERSION; nothing is built)"
  for plugin in "docker $DOCKER_VERSION" "command $COMMAND_VERSION"; do
    read -r name plugin_version <<<"$plugin"
    has_plugin "$dir/pulumi" "$name" "$plugin_version" ||
      lines+=("pulumi-resource-$name $plugin_version (for npm @pulumi/$name $plugin_version) is missing: it is not installed in PULUMI_HOME ($PULUMI_HOME) and no pulumi-resource-$name is on PATH; pulumi $version from $dir is used as it is, so nothing was built")
  done
  file="$(ade_unavailable_file "$dir")"
  record_unavailable "$file" "${lines[@]}"
  [[ ! -f "$file" ]] ||
    warn_unavailable "$file" "Install them with: pulumi plugin install resource <name> <version> (it downloads them), or take that pulumi off PATH to use the project's own build."
  printf '%s\n' "$dir"
}

main() {
  trap 'die "command failed (exit $?): $BASH_COMMAND"' ERR

  local toolchains request_dir built_dir bin_dir existing existing_dir existing_version binary plugin name version unavailable_file
  # Set by the resolve_* functions and read by build_toolchain.
  local CLI_VERSION="" PKG_DIR="" LH_KIND="" LH_VERSION="" LH_LABEL="" COMMAND_OK="" DOCKER_OK=""
  local command_module="" command_pv="" docker_module="" docker_pv="" docker_dir="" upstream_pv="" upstream_dir=""
  local PROBLEMS=() UNAVAILABLE_LINES=()
  step "reading versions from package.json"
  PULUMI_VERSION="$(package_version @pulumi/pulumi)"
  DOCKER_VERSION="$(package_version @pulumi/docker)"
  COMMAND_VERSION="$(package_version @pulumi/command)"
  export PULUMI_HOME="${PULUMI_HOME:-$(ade_cache_dir)/pulumi-home}"
  export PULUMI_SKIP_UPDATE_CHECK=true
  toolchains="$(ade_cache_dir)/toolchain"
  request_dir="$toolchains/pulumi-${PULUMI_VERSION}_docker-${DOCKER_VERSION}_command-${COMMAND_VERSION}"

  # 1. A pulumi installed by the user (not one of this script's builds), at least
  #    as new as the SDK and with its language host: use it as it is.
  step "checking the pulumi on PATH"
  if existing="$(command -v pulumi 2>/dev/null)" &&
    existing_dir="$(cd -P "$(dirname "$existing")" && pwd)" && ! ade_is_own_toolchain "$existing_dir" &&
    existing_version="$("$existing" version 2>/dev/null)" && version_ge "${existing_version#v}" "$PULUMI_VERSION" &&
    { [[ -x "$existing_dir/pulumi-language-nodejs" ]] || command -v pulumi-language-nodejs >/dev/null; }; then
    use_installed "$existing_dir" "$existing_version"
    exit 0
  fi

  if [[ -x "$request_dir/bin/pulumi" && -x "$request_dir/bin/pulumi-language-nodejs" ]]; then
    # 2. Built before for these pins: no network, no build.
    bin_dir="$(cd -P "$request_dir/bin" && pwd)"
    log "using the toolchain built before: $(dirname "$bin_dir")"
  else
    # 3. Ask the proxy what can be built, fetching every upstream module before
    #    compiling anything: a missing CLI or language host fails the run in
    #    seconds, listing all that is missing, not after a long CLI build.
    command -v go >/dev/null || die "Go is needed to build the Pulumi binaries and is not on PATH"
    export GOFLAGS=-mod=mod
    step "resolving and downloading upstream modules"
    resolve_cli
    resolve_language_host
    resolve_plugins
    if ((${#PROBLEMS[@]} > 0)); then
      local problem
      for problem in "${PROBLEMS[@]}"; do log "  - $problem"; done
      die "the pulumi CLI or its Node language host cannot be built (listed above)"
    fi
    built_dir="$toolchains/pulumi-${CLI_VERSION}_nodejs-${LH_LABEL}_docker-${DOCKER_OK:+$DOCKER_VERSION}${DOCKER_OK:-unavailable}_command-${COMMAND_OK:+$COMMAND_VERSION}${COMMAND_OK:-unavailable}"
    if [[ -x "$built_dir/bin/pulumi" ]]; then
      log "$built_dir was built before; reusing it"
    else
      # Build into a temporary directory and rename it into place, so that a
      # half-built toolchain is never taken for a complete one.
      step "preparing $built_dir"
      mkdir -p "$toolchains"
      work="$(mktemp -d "$built_dir.partial-XXXXXX")"
      trap 'rm -rf "$work"' EXIT
      build_toolchain "$work"
      step "installing the toolchain into $built_dir"
      record_unavailable "$work/UNAVAILABLE" "${UNAVAILABLE_LINES[@]}"
      rm -rf "$work/src"
      mv -T "$work" "$built_dir" 2>/dev/null || [[ -x "$built_dir/bin/pulumi" ]] ||
        die "could not move $work to $built_dir"
    fi
    step "linking $request_dir"
    [[ -L "$request_dir" || ! -e "$request_dir" ]] ||
      die "$request_dir is an incomplete toolchain of an older ensure-pulumi.sh: remove it and run again"
    ln -sfn "$(basename "$built_dir")" "$request_dir"
    bin_dir="$built_dir/bin"
  fi

  step "checking $bin_dir"
  unavailable_file="$(ade_unavailable_file "$bin_dir")"
  for binary in pulumi pulumi-language-nodejs; do
    [[ -x "$bin_dir/$binary" ]] || die "$bin_dir/$binary is missing; remove $(dirname "$bin_dir") to rebuild it"
  done

  # 4. Register the resource plugins that were built with the engine under the
  #    npm packages' versions.
  for plugin in "docker $DOCKER_VERSION" "command $COMMAND_VERSION"; do
    read -r name version <<<"$plugin"
    if [[ ! -x "$bin_dir/pulumi-resource-$name" ]]; then
      grep -qs "^pulumi-resource-$name " "$unavailable_file" ||
        die "$bin_dir/pulumi-resource-$name is missing and not listed in $unavailable_file; remove $(dirname "$bin_dir") to rebuild it"
      continue
    fi
    step "installing resource plugin $name $version into $PULUMI_HOME"
    # A stand-in installed while the real plugin could not be built gives way to it.
    if ! grep -qx "$name $version" <<<"$(installed_plugins "$bin_dir/pulumi")" ||
      is_standin "$PULUMI_HOME/plugins/resource-$name-v$version/pulumi-resource-$name"; then
      log "installing resource plugin $name $version into $PULUMI_HOME ..."
      "$bin_dir/pulumi" plugin install resource "$name" "$version" --file "$bin_dir/pulumi-resource-$name" --reinstall >&2 ||
        die "pulumi plugin install resource $name $version --file $bin_dir/pulumi-resource-$name failed"
    fi
  done

  [[ ! -f "$unavailable_file" ]] ||
    warn_unavailable "$unavailable_file" "To ask the Go module proxy again (and build what it serves by then): rm $request_dir; then run toolchain/ensure-pulumi.sh again."
  # 5. Stand-ins for the plugins that could not be built (after the warning above,
  #    which they answer).
  provide_standins "$bin_dir" "$unavailable_file"
  printf '%s\n' "$bin_dir"
}

# Sourcing the file (as a test would) defines the functions without running anything.
if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  main "$@"
fi
