# Choosing what to build: the CLI, the Node language host and the resource
# plugins, from what the Go module proxy serves. Source it after lib.sh,
# versions.sh and go-modules.sh; the resolve_* functions set variables that
# ensure-pulumi.sh's main declares (CLI_VERSION, PKG_DIR, LH_*, *_OK, ...).
# shellcheck shell=bash

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
