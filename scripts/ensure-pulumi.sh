#!/usr/bin/env bash
# Makes the Pulumi toolchain that package.json asks for available offline and
# prints its bin directory as the last line of stdout (progress goes to stderr):
#
#   PATH="$(bash scripts/ensure-pulumi.sh):$PATH"
#
# The bin directory holds pulumi, pulumi-language-nodejs, pulumi-resource-docker
# and pulumi-resource-command, built from Go modules (no download site but the
# Go module proxy is reachable), and the two resource plugins are installed into
# PULUMI_HOME at the versions the npm packages request.
set -Eeuo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=scripts/lib.sh
source "$here/lib.sh"
# shellcheck source=scripts/pulumi-build/versions.sh
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

# Prints the directory of module $1 in the module cache, downloading it first;
# when the proxy does not serve it, prints why and returns 1.
module_dir() {
  local json dir
  json="$(go mod download -json "$1" 2>&1)" || true
  dir="$(sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p' <<<"$json")"
  if [[ -n "$dir" && -d "$dir" ]]; then
    printf '%s\n' "$dir"
  else
    printf 'the Go module proxy does not serve %s (%s)\n' "$1" \
      "$(sed -n 's/^[[:space:]]*"Error": "\(.*\)",\{0,1\}$/\1/p' <<<"$json" | head -n 1 | sed 's/.*: //')"
    return 1
  fi
}

build_toolchain() {
  local work="$1" started go_started
  started="$(date +%s)"
  export GOFLAGS=-mod=mod
  command -v go >/dev/null || die "Go is needed to build the Pulumi binaries and is not on PATH"

  # Resolve and fetch every upstream module whose files the wrappers need before
  # compiling anything, and report all that are missing at once: a module the
  # proxy lacks then fails the run in seconds, not after a long CLI build.
  step "resolving and downloading upstream modules"
  local docker_module="" docker_pv="" upstream_commit="" command_module="" command_pv=""
  local sdk_time="" sdk_hash="" lh_pv="" upstream_pv="" pkg_dir="" docker_dir="" upstream_dir="" dir
  local problems=()
  read -r docker_module docker_pv upstream_commit < <(docker_provider_coordinates "$DOCKER_VERSION") ||
    problems+=("no Go module coordinates for @pulumi/docker $DOCKER_VERSION: add them to scripts/pulumi-build/versions.sh")
  read -r command_module command_pv < <(command_provider_coordinates "$COMMAND_VERSION") ||
    problems+=("no Go module coordinates for @pulumi/command $COMMAND_VERSION: add them to scripts/pulumi-build/versions.sh")
  if ! lh_pv="$(language_host_version "$PULUMI_VERSION")"; then
    lh_pv=""
    read -r sdk_time sdk_hash < <(go list -m -f '{{.Time.UTC.Format "20060102150405"}} {{with .Origin}}{{.Hash}}{{end}}' \
      "github.com/pulumi/pulumi/sdk/v3@v$PULUMI_VERSION" 2>/dev/null) || true
    if [[ -n "$sdk_hash" ]]; then
      lh_pv="v3.0.0-$sdk_time-${sdk_hash:0:12}"
    else
      problems+=("the Go module proxy reports no commit (Origin.Hash) for github.com/pulumi/pulumi/sdk/v3@v$PULUMI_VERSION, so the pseudo-version of pulumi-language-nodejs cannot be derived: add it to language_host_version in scripts/pulumi-build/versions.sh")
    fi
  fi

  pkg_dir="$(module_dir "github.com/pulumi/pulumi/pkg/v3@v$PULUMI_VERSION")" || problems+=("$pkg_dir")
  if [[ -n "$lh_pv" ]]; then
    dir="$(module_dir "github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3@$lh_pv")" || problems+=("$dir")
  fi
  if [[ -n "$command_pv" ]]; then
    dir="$(module_dir "$command_module@$command_pv")" || problems+=("$dir")
  fi
  if [[ -n "$docker_pv" ]]; then
    docker_dir="$(module_dir "$docker_module@$docker_pv")" || problems+=("$docker_dir")
    if upstream_pv="$(go list -m -f '{{.Version}}' "github.com/kreuzwerker/terraform-provider-docker@$upstream_commit" 2>&1)"; then
      upstream_dir="$(module_dir "github.com/kreuzwerker/terraform-provider-docker@$upstream_pv")" || problems+=("$upstream_dir")
    else
      problems+=("the Go module proxy does not serve github.com/kreuzwerker/terraform-provider-docker at commit $upstream_commit (${upstream_pv##*: })")
    fi
  fi
  if ((${#problems[@]} > 0)); then
    for dir in "${problems[@]}"; do log "  - $dir"; done
    die "${#problems[@]} upstream module(s) cannot be had (listed above)"
  fi
  log "language host $lh_pv, docker provider $docker_pv (upstream $upstream_pv), command provider $command_pv"

  step "writing the wrapper modules"
  local src="$work/src" sdk_req="github.com/pulumi/pulumi/sdk/v3@v$PULUMI_VERSION" pkg_req="github.com/pulumi/pulumi/pkg/v3@v$PULUMI_VERSION"
  WRAPPER_REPLACES_FROM="$pkg_dir/go.mod" new_wrapper "$src/pulumi" ade.local/build/pulumi "$pkg_req" "$sdk_req"
  WRAPPER_REPLACES_FROM="$pkg_dir/go.mod" new_wrapper "$src/language-nodejs" ade.local/build/pulumi-language-nodejs \
    "github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3@$lh_pv" "$pkg_req" "$sdk_req"
  new_wrapper "$src/command" ade.local/build/pulumi-resource-command "$command_module@$command_pv"

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

  # Module downloads are network-bound and the builds CPU-bound: fetch every
  # wrapper's dependencies at once, then compile one binary at a time so that the
  # packages they share (sdk, grpc, protobuf) are compiled once and then cached.
  step "downloading dependencies"
  log "downloading Go dependencies of the four wrappers ..."
  go_started="$(date +%s)"
  local wrapper pids=() names=()
  declare -A pkg_of=(
    [pulumi]=github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
    [language-nodejs]=github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3
    [command]="$command_module/cmd/pulumi-resource-command"
    [docker]=./main
  )
  for wrapper in pulumi language-nodejs command docker; do
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

  local out="$work/bin" sdk_stamp=github.com/pulumi/pulumi/sdk/v3/go/common/version.Version
  go_build "$src/pulumi" "${pkg_of[pulumi]}" "$out/pulumi" "$sdk_stamp=v$PULUMI_VERSION" "pulumi CLI v$PULUMI_VERSION"
  go_build "$src/language-nodejs" "${pkg_of[language-nodejs]}" "$out/pulumi-language-nodejs" \
    "$sdk_stamp=v$PULUMI_VERSION" "pulumi-language-nodejs v$PULUMI_VERSION"
  go_build "$src/command" "${pkg_of[command]}" "$out/pulumi-resource-command" \
    "github.com/pulumi/pulumi-command/provider/pkg/version.Version=v$COMMAND_VERSION" "pulumi-resource-command v$COMMAND_VERSION"
  CGO_ENABLED=0 GOFLAGS="$GOFLAGS -tags=no_compose" go_build "$src/docker" ./main "$out/pulumi-resource-docker" \
    "$docker_module/pkg/version.Version=$DOCKER_VERSION" "pulumi-resource-docker $DOCKER_VERSION"
  log "built the toolchain in $(elapsed_since "$started") s"
}

main() {
  trap 'die "command failed (exit $?): $BASH_COMMAND"' ERR

  local toolchain_dir bin_dir binaries existing binary plugin name version
  step "reading versions from package.json"
  PULUMI_VERSION="$(package_version @pulumi/pulumi)"
  DOCKER_VERSION="$(package_version @pulumi/docker)"
  COMMAND_VERSION="$(package_version @pulumi/command)"
  export PULUMI_HOME="${PULUMI_HOME:-$(ade_cache_dir)/pulumi-home}"
  export PULUMI_SKIP_UPDATE_CHECK=true
  toolchain_dir="$(ade_cache_dir)/toolchain/pulumi-${PULUMI_VERSION}_docker-${DOCKER_VERSION}_command-${COMMAND_VERSION}"
  bin_dir="$toolchain_dir/bin"
  binaries=(pulumi pulumi-language-nodejs pulumi-resource-docker pulumi-resource-command)

  # 1. A complete toolchain of the right versions is already on PATH: use it as it is.
  step "checking the pulumi on PATH"
  if existing="$(command -v pulumi 2>/dev/null)" &&
    [[ "$("$existing" version 2>/dev/null)" == "v$PULUMI_VERSION" ]] &&
    { [[ -x "$(dirname "$existing")/pulumi-language-nodejs" ]] || command -v pulumi-language-nodejs >/dev/null; } &&
    has_plugin "$existing" docker "$DOCKER_VERSION" && has_plugin "$existing" command "$COMMAND_VERSION"; then
    log "using pulumi v$PULUMI_VERSION from $(dirname "$existing") with docker $DOCKER_VERSION and command $COMMAND_VERSION"
    dirname "$existing"
    exit 0
  fi

  # 2. Build into a temporary directory and rename it into place, so that a
  #    half-built toolchain is never taken for a complete one.
  if [[ ! -d "$bin_dir" ]]; then
    step "preparing $toolchain_dir"
    mkdir -p "$(dirname "$toolchain_dir")"
    work="$(mktemp -d "$toolchain_dir.partial-XXXXXX")"
    trap 'rm -rf "$work"' EXIT
    build_toolchain "$work"
    step "installing the toolchain into $toolchain_dir"
    rm -rf "$work/src"
    mv -T "$work" "$toolchain_dir" 2>/dev/null || [[ -d "$bin_dir" ]] ||
      die "could not move $work to $toolchain_dir"
  fi
  for binary in "${binaries[@]}"; do
    [[ -x "$bin_dir/$binary" ]] || die "$bin_dir/$binary is missing; remove $toolchain_dir to rebuild it"
  done

  # 3. Register the resource plugins with the engine under the npm packages' versions.
  for plugin in "docker $DOCKER_VERSION" "command $COMMAND_VERSION"; do
    read -r name version <<<"$plugin"
    step "installing resource plugin $name $version into $PULUMI_HOME"
    if ! grep -qx "$name $version" <<<"$(installed_plugins "$bin_dir/pulumi")"; then
      log "installing resource plugin $name $version into $PULUMI_HOME ..."
      "$bin_dir/pulumi" plugin install resource "$name" "$version" --file "$bin_dir/pulumi-resource-$name" >&2 ||
        die "pulumi plugin install resource $name $version --file $bin_dir/pulumi-resource-$name failed"
    fi
  done

  printf '%s\n' "$bin_dir"
}

# Sourcing the file (as a test would) defines the functions without running anything.
if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  main "$@"
fi
