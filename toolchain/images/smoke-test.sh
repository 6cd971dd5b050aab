#!/usr/bin/env bash
# Runs each ade-local image and proves it works the way the platform uses it.
#
#   toolchain/images/smoke-test.sh                   every image
#   toolchain/images/smoke-test.sh registry haproxy  some of them
#
# The checks of image <name> are in toolchain/images/smoke/<name>.sh. Needs a
# running engine and the images (toolchain/ensure-docker.sh,
# toolchain/build-images.sh); runs as root for file ownership. Publishes ports
# on 127.0.0.1 only, ADE_SMOKE_PORT_BASE (default 19000) to +99; names every
# object it creates ADE_SMOKE_PREFIX-* (default ade-smoke-<pid>) and removes
# them all. Prints one line per check and closes with "N passed, N failed";
# exits non-zero if any check failed.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=toolchain/image-build/common.sh
source "$here/../image-build/common.sh"
# shellcheck source=toolchain/image-build/recipes.sh
source "$here/../image-build/recipes.sh"
# shellcheck source=toolchain/images/smoke/lib.sh
source "$here/smoke/lib.sh"

readonly PREFIX="${ADE_SMOKE_PREFIX:-ade-smoke-$$}"
readonly PORT_BASE="${ADE_SMOKE_PORT_BASE:-19000}"
[[ "$PORT_BASE" =~ ^[0-9]+$ ]] && ((PORT_BASE >= 1024 && PORT_BASE + 99 < 32768)) ||
  die "ADE_SMOKE_PORT_BASE must be 1024-32668, below Linux's ephemeral ports (got '$PORT_BASE')"
trap smoke_cleanup EXIT

names=()
for arg in "$@"; do names+=("$(resolve_name "$arg")"); done
[ "${#names[@]}" -gt 0 ] || mapfile -t names < <(all_names)
command -v curl >/dev/null || die "curl is needed on the host"
require_engine
for name in "${names[@]}"; do
  [ -f "$here/smoke/$name.sh" ] || die "toolchain/images/$name has no smoke checks: add toolchain/images/smoke/$name.sh"
  # Images a check runs beside its own (e.g. postgres for postgres-exporter) are listed in its SMOKE_NEEDS.
  for needed in "$name" $(sed -n 's/^# SMOKE_NEEDS: //p' "$here/smoke/$name.sh"); do
    image_exists "$(image_of "$needed")" || die "missing image $(image_of "$needed"): run toolchain/build-images.sh"
  done
done

for name in "${names[@]}"; do
  echo "# $(image_of "$name")"
  # shellcheck source=/dev/null
  source "$here/smoke/$name.sh"
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
