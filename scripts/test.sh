#!/usr/bin/env bash
# Runs every test of the project on this machine: the README's second command,
# and what CI runs (.ci/run). Installs what is missing first: Node 22, the
# Pulumi CLI and plugins (built from Go modules), a Docker engine, promtool,
# PostgreSQL for the application's database tests, and the local images.
#
#   bash scripts/test.sh            everything
#   ADE_SKIP_E2E=1 bash scripts/test.sh   unit tests only (says so aloud)
set -Eeuo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
started=$(date +%s)
phase() { printf '\n[test] === %s (%ss elapsed)\n' "$*" "$(($(date +%s) - started))"; }

phase "toolchain"
source toolchain/env.sh
node --version
pulumi version

phase "Debian packages for the tests (promtool, amtool, PostgreSQL)"
missing=()
command -v promtool >/dev/null || missing+=(prometheus)
command -v amtool >/dev/null || missing+=(prometheus-alertmanager)
[[ -x /usr/lib/postgresql/15/bin/initdb ]] || missing+=(postgresql)
if ((${#missing[@]} > 0)); then
  [[ $(id -u) == 0 ]] || { echo "[test] missing ${missing[*]}: install them (apt-get install ${missing[*]})" >&2; exit 1; }
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# Debian starts these services on install (as user prometheus) where a service manager runs; the tests start their own.
# Only that one: prometheus processes of containers run as other users and are not ours.
pkill -x -u prometheus prometheus 2>/dev/null || true
pkill -u prometheus -f '^/usr/bin/prometheus-alertmanager( |$)' 2>/dev/null || true

phase "npm packages"
npm ci --no-audit --no-fund
(cd app && npm ci --no-audit --no-fund)

results=()
count() { # pattern logfile: the last mocha summary count of that kind
  { grep -Eo "^ +[0-9]+ $1" "$2" || true; } | tail -1 | grep -Eo '[0-9]+' || echo 0
}
record() { # name logfile
  local passing failing pending
  passing=$(count passing "$2")
  failing=$(count failing "$2")
  pending=$(count pending "$2")
  results+=("$1: $passing passed, $failing failed, $pending skipped")
  total_passed=$((${total_passed:-0} + passing))
  total_failed=$((${total_failed:-0} + failing))
  total_skipped=$((${total_skipped:-0} + pending))
}
logs="$(mktemp -d)"
status=0

phase "typecheck and lint"
npm run --silent typecheck || status=1
npm run --silent lint || status=1

phase "unit tests (Pulumi mocks, config validation, promtool)"
npm test 2>&1 | tee "$logs/unit.log" || status=1
record "unit" "$logs/unit.log"

if [[ -n "${ADE_TOOLCHAIN_STANDIN:-}" ]]; then
  phase "stand-in resource plugins (go vet, go test)"
  if (cd toolchain/standin-providers && go vet ./... && go test ./...); then
    results+=("stand-in plugins: go test passed")
  else
    results+=("stand-in plugins: go test FAILED")
    status=1
  fi
fi

phase "application tests (with a throwaway PostgreSQL)"
(cd app && npm run --silent typecheck && npm run test:db) 2>&1 | tee "$logs/app.log" || status=1
record "app" "$logs/app.log"

if [[ "${ADE_SKIP_E2E:-}" == 1 ]]; then
  echo "[test] SKIPPING the end-to-end suite because ADE_SKIP_E2E=1" >&2
else
  phase "Docker engine and local images"
  # Stop the engine at the end only if this run is the one that starts it.
  if [[ ! -e /run/ade-dockerd.pid ]] && ! docker info >/dev/null 2>&1; then
    trap 'bash toolchain/stop-docker.sh || true' EXIT
  fi
  bash toolchain/ensure-docker.sh
  bash toolchain/build-images.sh

  phase "end-to-end suite (real Pulumi engine, real Docker)"
  npm run test:e2e 2>&1 | tee "$logs/e2e.log" || status=1
  record "e2e" "$logs/e2e.log"
fi

phase "summary"
printf '%s\n' "${results[@]}"
echo "${total_passed:-0} passed, ${total_failed:-0} failed, ${total_skipped:-0} skipped"
exit "$status"
