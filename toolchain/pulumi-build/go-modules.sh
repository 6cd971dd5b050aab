# Go module primitives for building the Pulumi binaries: asking the module proxy
# what it serves, writing wrapper modules and building in them. Source it after
# toolchain/lib.sh.
# shellcheck shell=bash

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
