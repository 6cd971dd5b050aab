#!/usr/bin/env bash
# `npm run bench`: the toolchain, the Docker engine, the local images and
# Debian's docker-compose (the peer of the cold-up figure), then bench/run.ts (compiled to dist/).
#
#   ADE_BENCH_RUNS=3          runs per figure (default 3)
#   ADE_BENCH_ONLY=cold,noop  only these sections (scale, cold, noop, update, releases, swarm, suites)
#   ADE_BENCH_E2E=0           time the unit tests but not the end-to-end suite
#   ADE_BENCH_OUT=file        write the results there instead of bench/RESULTS.md (and the summary
#                             beside it); only a whole run to bench/RESULTS.md rewrites bench/SUMMARY.md
#                             and the README's Performance block
set -Eeuo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
source toolchain/env.sh
if ! command -v docker-compose >/dev/null; then
  [[ $(id -u) == 0 ]] || { echo "[bench] docker-compose is missing: install it (apt-get install docker-compose)" >&2; exit 1; }
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends docker-compose >/dev/null
fi
bash toolchain/ensure-docker.sh
bash toolchain/build-images.sh
node bin/build.js
exec node dist/bench/run.js
