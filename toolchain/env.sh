# Source this file to get the project's offline toolchain in the current shell:
#
#   source toolchain/env.sh || exit 1
#
# It puts Node.js >= 22 and the Pulumi binaries first on PATH, points PULUMI_HOME
# at a private plugin directory (unless the caller set one) and, when the Pulumi
# binaries are the project's own offline build, turns off automatic plugin
# downloads. ADE_TOOLCHAIN_UNAVAILABLE names the file listing resource plugins
# that could not be built (unset when nothing is missing); ADE_TOOLCHAIN_STANDIN
# names the file listing the STAND-IN plugins the toolchain provides in their
# place (unset when there are none). Whether a given PULUMI_HOME runs a stand-in
# or a real plugin installed there, the plugin binary tells (tests/e2e/harness.ts
# checks). This file only reads those lists; toolchain/ensure-pulumi.sh writes
# them. On failure it returns non-zero after saying which step failed; it never
# exits the caller's shell.
# shellcheck shell=bash

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  printf '[ade] error: toolchain/env.sh must be sourced (source toolchain/env.sh), not run\n' >&2
  exit 1
fi

ade_env_setup() {
  local toolchain node_bin pulumi_bin cache_dir
  toolchain="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
  # lib.sh is read in a child shell: its die() exits, which must not happen to the caller.
  cache_dir="$(bash -c 'source "$1" && ade_cache_dir' _ "$toolchain/lib.sh")" || return 1

  node_bin="$(bash "$toolchain/ensure-node.sh")" || {
    printf '[ade] error: toolchain/ensure-node.sh failed (see above); Node.js >= 22 is not available\n' >&2
    return 1
  }
  export PULUMI_HOME="${PULUMI_HOME:-$cache_dir/pulumi-home}"
  # ensure-pulumi.sh reads plugin lists with node, so it runs with node 22 first too.
  pulumi_bin="$(PATH="$node_bin:$PATH" bash "$toolchain/ensure-pulumi.sh" | tail -n 1; exit "${PIPESTATUS[0]}")" || {
    printf '[ade] error: toolchain/ensure-pulumi.sh failed (see above); the Pulumi toolchain is not available\n' >&2
    return 1
  }

  # Moved to the front rather than added again, so sourcing twice keeps PATH short.
  local dir path=":$PATH:"
  for dir in "$node_bin" "$pulumi_bin"; do
    path="${path//:$dir:/:}"
  done
  path="${path#:}"
  export PATH="$pulumi_bin:$node_bin:${path%:}"
  export PULUMI_SKIP_UPDATE_CHECK=true

  # Resource plugins the toolchain lacks (toolchain/ensure-pulumi.sh could not build
  # them) are listed in a file, exported for the tests to say why they skip.
  local info kind unavailable standin_list
  info="$(bash -c 'source "$1" || exit 1
    if ade_is_own_toolchain "$2"; then echo own; else echo installed; fi
    ade_unavailable_file "$2"
    ade_standin_file "$2"' _ "$toolchain/lib.sh" "$pulumi_bin")" || return 1
  { read -r kind && read -r unavailable && read -r standin_list; } <<<"$info"
  if [[ -f "$unavailable" ]]; then
    export ADE_TOOLCHAIN_UNAVAILABLE="$unavailable"
  else
    unset ADE_TOOLCHAIN_UNAVAILABLE
  fi
  # ...and the stand-ins the toolchain provides for them (toolchain/ensure-pulumi.sh
  # writes that list; this file only reads it).
  if [[ -f "$standin_list" ]]; then
    export ADE_TOOLCHAIN_STANDIN="$standin_list"
  else
    unset ADE_TOOLCHAIN_STANDIN
  fi
  # The project's own offline build cannot download plugins: fail fast with a
  # clear "no resource plugin" message. A pulumi the user installed (on a machine
  # with internet) keeps acquiring missing plugins on its own.
  if [[ "$kind" == own ]]; then
    export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
  fi
}

ade_env_setup
ade_env_status=$?
unset -f ade_env_setup
return "$ade_env_status"
