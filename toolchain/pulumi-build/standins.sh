# The STAND-IN resource plugins (toolchain/standin-providers) that take the
# place of plugins the toolchain could not build. Source it after lib.sh and
# plugins.sh.
# shellcheck shell=bash

STANDIN_SRC="$here/standin-providers"

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
# UNAVAILABLE file $2), builds the stand-in and lists it in the toolchain's STANDIN
# file, whatever this PULUMI_HOME holds: that file describes the toolchain, which
# every PULUMI_HOME shares, and only this installer writes it. Then, per
# PULUMI_HOME: a real plugin installed there or on PATH is used as it is;
# otherwise the stand-in is installed into PULUMI_HOME, with a warning.
provide_standins() {
  local bin_dir="$1" unavailable_file="$2" standin_file plugin name version installed ambient dir line listed=() in_use=()
  standin_file="$(ade_standin_file "$bin_dir")"
  for plugin in "docker $DOCKER_VERSION" "command $COMMAND_VERSION"; do
    read -r name version <<<"$plugin"
    grep -qs "^pulumi-resource-$name " "$unavailable_file" || continue
    dir="$(build_standin "$bin_dir" "$name" "$version")" || continue
    line="pulumi-resource-$name $version $dir/pulumi-resource-$name: STAND-IN (toolchain/standin-providers) for the real plugin, which this toolchain could not build (see $unavailable_file)"
    listed+=("$line")
    installed="$PULUMI_HOME/plugins/resource-$name-v$version/pulumi-resource-$name"
    if ambient="$(command -v "pulumi-resource-$name")" && ! is_standin "$ambient"; then
      log "pulumi-resource-$name: using $ambient from PATH (no stand-in)"
      continue
    fi
    if [[ -f "$installed" ]] && ! is_standin "$installed"; then
      log "pulumi-resource-$name $version: using the real plugin installed in $PULUMI_HOME (no stand-in)"
      continue
    fi
    step "installing the $name stand-in into $PULUMI_HOME"
    if ! cmp -s "$dir/pulumi-resource-$name" "$installed"; then
      "$bin_dir/pulumi" plugin install resource "$name" "$version" --file "$dir/pulumi-resource-$name" --reinstall >&2 ||
        die "pulumi plugin install resource $name $version --file $dir/pulumi-resource-$name failed"
    fi
    in_use+=("$line")
  done
  record_unavailable "$standin_file" "${listed[@]}"
  ((${#in_use[@]} > 0)) || return 0
  {
    printf '\n[ade] ################################################################################\n'
    printf '[ade] WARNING: so STAND-IN resource plugins are installed into %s in place of the real ones:\n' "$PULUMI_HOME"
    for line in "${in_use[@]}"; do printf '[ade]   - %s\n' "$line"; done
    printf '[ade] They implement only the resources and properties this program uses, as the real\n'
    printf '[ade] ones do; they are NOT pulumi-docker or pulumi-command. The toolchain lists its\n'
    printf '[ade] stand-ins in %s (source toolchain/env.sh exports it as ADE_TOOLCHAIN_STANDIN).\n' "$standin_file"
    printf '[ade] ################################################################################\n\n'
  } >&2
}
