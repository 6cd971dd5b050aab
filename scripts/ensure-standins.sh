#!/usr/bin/env bash
# Where the docker or command resource plugin cannot be built (the toolchain's
# UNAVAILABLE file lists them), installs this project's STAND-INS for them
# (tools/standin-providers/) into PULUMI_HOME, says so loudly, and prints the
# directory of their launchers. Prints nothing and changes nothing where the
# real plugins are there.
#
#   dir="$(bash scripts/ensure-standins.sh)"     (run after scripts/ensure-pulumi.sh)
set -Eeuo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
# shellcheck source=scripts/lib.sh
source "$here/lib.sh"

unavailable="${ADE_TOOLCHAIN_UNAVAILABLE:-}"
[[ -n "$unavailable" && -f "$unavailable" ]] || exit 0
command -v pulumi >/dev/null || die "pulumi is not on PATH (run scripts/ensure-pulumi.sh first)"
node_bin="$(command -v node)" || die "node is not on PATH"
[[ -f "$root/node_modules/ts-node/register/transpile-only.js" ]] || die "node_modules is missing: run npm ci first"

dir="$root/.ade/standin-plugins"
mkdir -p "$dir"
: >"$dir/STANDIN.partial"
for plugin in docker command; do
  grep -q "^pulumi-resource-$plugin " "$unavailable" || continue
  version="$(package_version "@pulumi/$plugin")"
  launcher="$dir/pulumi-resource-$plugin"
  cat >"$launcher.partial" <<LAUNCHER
#!/bin/sh
# STAND-IN for pulumi-resource-$plugin $version, written by scripts/ensure-standins.sh:
# the real plugin cannot be built on this machine. See tools/standin-providers/$plugin.ts.
TS_NODE_PROJECT="$root/tsconfig.json" exec "$node_bin" -r "$root/node_modules/ts-node/register/transpile-only" "$root/tools/standin-providers/$plugin.ts" "\$@"
LAUNCHER
  chmod +x "$launcher.partial"
  mv "$launcher.partial" "$launcher"
  installed="${PULUMI_HOME:-$HOME/.pulumi}/plugins/resource-$plugin-v$version/pulumi-resource-$plugin"
  if ! cmp -s "$launcher" "$installed"; then
    pulumi plugin install resource "$plugin" "$version" --file "$launcher" --reinstall >&2 ||
      die "could not install the $plugin stand-in into ${PULUMI_HOME:-$HOME/.pulumi}"
  fi
  echo "pulumi-resource-$plugin $version: STAND-IN $launcher (tools/standin-providers/$plugin.ts)" >>"$dir/STANDIN.partial"
done
mv "$dir/STANDIN.partial" "$dir/STANDIN"
{
  log "################################################################################"
  log "Using this project's STAND-IN resource plugins in place of the real ones:"
  while read -r line; do log "  - $line"; done <"$dir/STANDIN"
  log "They implement only what this program uses, with the docker CLI; the real plugins"
  log "are used wherever they can be built or installed."
  log "################################################################################"
} 
echo "$dir"
