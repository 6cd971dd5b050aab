# Shared helpers for the toolchain scripts. Source it; it defines functions only.
# shellcheck shell=bash

ADE_REPO_ROOT="${ADE_REPO_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"

# Progress goes to stderr so that stdout stays free for the one value a script returns.
log() {
  printf '[ade] %s\n' "$*" >&2
}

# The step currently running, named in every failure message.
ADE_STEP="${ADE_STEP:-starting}"

step() {
  ADE_STEP="$*"
}

die() {
  printf '[ade] error during step "%s": %s\n' "$ADE_STEP" "$*" >&2
  exit 1
}

ade_cache_dir() {
  printf '%s\n' "${ADE_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/ade-platform}"
}

# Prints the exact version that package.json pins for a dependency.
# Only exact pins are accepted: the toolchain is keyed on them, and a range
# ("^5.0.0") would make the cache key lie about what npm installs.
package_version() {
  local name="$1" manifest="${2:-$ADE_REPO_ROOT/package.json}" version
  [[ -f "$manifest" ]] || die "no package.json at $manifest"
  version="$(sed -n "s|^[[:space:]]*\"${name}\"[[:space:]]*:[[:space:]]*\"\\([^\"]*\\)\".*|\\1|p" "$manifest" | head -n 1)"
  [[ -n "$version" ]] || die "package.json ($manifest) has no dependency \"$name\""
  [[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] ||
    die "package.json pins \"$name\" to \"$version\"; an exact version such as 1.2.3 is required"
  printf '%s\n' "$version"
}

# Seconds since the given epoch second, for progress lines.
elapsed_since() {
  printf '%s' "$(($(date +%s) - $1))"
}
