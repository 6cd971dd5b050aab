# Helpers for the smoke checks in toolchain/images/smoke/<image>.sh; sourced by
# toolchain/images/smoke-test.sh.
# shellcheck shell=bash

passed=0
failed=0
containers=()
volumes=()
networks=()
tags=()
TMP="$(mktemp -d)"
chmod 755 "$TMP"

ok() { passed=$((passed + 1)); printf 'ok   - %s\n' "$1"; }
not_ok() { failed=$((failed + 1)); printf 'FAIL - %s\n' "$1"; [ -z "${2:-}" ] || printf '       %s\n' "$2"; }
check() { # check "description" command...
  local desc="$1" out; shift
  if out="$("$@" 2>&1)"; then ok "$desc"; else not_ok "$desc" "$(tail -n 5 <<<"$out")"; fi
}
check_fails() { # check_fails "description" command...: passes when the command fails
  local desc="$1"; shift
  if "$@" >/dev/null 2>&1; then not_ok "$desc" "the command succeeded: $*"; else ok "$desc"; fi
}

smoke_cleanup() {
  local c
  for c in "${containers[@]}"; do docker rm -f -v "$c" >/dev/null 2>&1; done
  for c in "${tags[@]}"; do docker image rm "$c" >/dev/null 2>&1; done
  for c in "${volumes[@]}"; do docker volume rm "$c" >/dev/null 2>&1; done
  for c in "${networks[@]}"; do docker network rm "$c" >/dev/null 2>&1; done
  rm -rf "$TMP"
}

# The image a recipe builds: toolchain/images/<name>/recipe.sh's IMAGE_REF.
image_of() { recipe_ref "$1"; }

# Host port number N of this run's block (127.0.0.1 only): $ADE_SMOKE_PORT_BASE + N.
port() { printf '%s\n' "$((PORT_BASE + $1))"; }

run_bg() { # run_bg NAME docker-run-args... : a detached container, removed on exit
  containers+=("$1")
  docker run -d --name "$@" >/dev/null
}

new_network() { # new_network NAME: a bridge network, removed on exit
  docker network create "$1" >/dev/null && networks+=("$1")
}

new_volume() { # new_volume NAME: a named volume, removed on exit
  docker volume create "$1" >/dev/null && volumes+=("$1")
}

wait_for() { # wait_for SECONDS command...: true once the command succeeds
  local deadline=$((SECONDS + $1)); shift
  until "$@" >/dev/null 2>&1; do
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 0.5
  done
}

# True when the body of URL $1 has a line matching the extended regex $2.
body_has() { curl -fsS "$1" | grep -E "$2" >/dev/null; }

# A secret file as the platform uploads it: readable by the service's uid only.
secret_file() { # secret_file PATH VALUE UID
  printf '%s\n' "$2" >"$1"
  if [ "$(id -u)" -eq 0 ]; then chown "$3:$3" "$1"; chmod 0400 "$1"; else chmod 0444 "$1"; fi
}

# True when the container runs as uid $2.
runs_as() { [ "$(docker exec "$1" id -u)" = "$2" ]; }
