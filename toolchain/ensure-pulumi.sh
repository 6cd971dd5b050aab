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
# - for such a plugin it builds this project's STAND-IN (toolchain/standin-providers:
#   Go, on the served pulumi sdk/v3, driving the Docker Engine API; only what the program
#   uses) and lists it in <bin>/../STANDIN, the toolchain's own record of its
#   stand-ins (toolchain/env.sh exports its path as ADE_TOOLCHAIN_STANDIN). Unless
#   a real plugin is installed in PULUMI_HOME or on PATH, it installs the stand-in
#   into PULUMI_HOME under the plugin's name and version and warns on every run.
#   A real plugin, once built, replaces it.
#
# Toolchains live in ~/.cache/ade-platform/toolchain/, each in a directory named
# after what was really built (pulumi-<cli>_nodejs-<host source>_docker-<v>_command-<v>),
# reached through a link named after package.json's pins
# (pulumi-<pin>_docker-<pin>_command-<pin>), so a warm run asks no network.
# Removing that link makes the next run ask the proxy again (and build what it
# serves by then); removing the directory it points at rebuilds it.
#
# The steps live in toolchain/pulumi-build/: go-modules.sh (the module proxy and
# wrapper modules), resolve.sh (what to build), build.sh (building it),
# plugins.sh (installed plugins, UNAVAILABLE) and standins.sh (the stand-ins).
set -Eeuo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=toolchain/lib.sh
source "$here/lib.sh"
for part in versions go-modules resolve build plugins standins; do
  # shellcheck source=/dev/null
  source "$here/pulumi-build/$part.sh"
done

main() {
  trap 'die "command failed (exit $?): $BASH_COMMAND"' ERR

  local toolchains request_dir built_dir bin_dir existing existing_dir existing_version binary unavailable_file
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
  install_built_plugins "$bin_dir" "$unavailable_file"

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
