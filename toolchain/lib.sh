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

# True when bin directory $1 is one of the toolchains that toolchain/ensure-pulumi.sh
# built into the project's cache (rather than a pulumi the user installed).
ade_is_own_toolchain() {
  local toolchains
  toolchains="$(ade_cache_dir)/toolchain"
  [[ "$1" == "$toolchains/"* ]] ||
    { [[ -d "$toolchains" ]] && [[ "$1" == "$(cd -P "$toolchains" && pwd)/"* ]]; }
}

# Prints the path of the file that lists, one line each, the resource plugins the
# toolchain in bin directory $1 lacks (the file exists only when some are missing).
# For the project's own builds it is <bin>/../UNAVAILABLE; for a pulumi installed
# elsewhere it is kept in the project's cache rather than written into that install.
ade_unavailable_file() {
  if ade_is_own_toolchain "$1"; then
    printf '%s\n' "$(dirname "$1")/UNAVAILABLE"
  else
    printf '%s\n' "$(ade_cache_dir)/toolchain/pulumi-on-path.UNAVAILABLE"
  fi
}

# Prints the path of the file that lists, one line each, the STAND-IN plugins the
# toolchain in bin directory $1 provides for the plugins it lacks (written only by
# toolchain/ensure-pulumi.sh; it exists only when there are some): STANDIN beside
# the UNAVAILABLE file.
ade_standin_file() {
  printf '%s\n' "$(dirname "$(ade_unavailable_file "$1")")/STANDIN"
}
