#!/usr/bin/env bash
# Brings the development stack up on the local Docker engine, with a local file
# state backend (no account): the README's first command.
#
#   bash scripts/dev-up.sh              up (installs what is missing first)
#   bash scripts/dev-up.sh destroy      tear development down again
#
# It deploys with `ade deploy development`, like any other deploy: the update
# is recorded in the stack's history with its health verification, so `ade`
# commands later see exactly what this script ran.
#
# Images: by default the local images of toolchain/images are built from
# Debian's packages and recorded in this machine's image mirrors (see
# toolchain/README.md), so no registry is needed and every entry point (this
# script, `ade`, `pulumi up`) runs the same images. ADE_LOCAL_IMAGES=0 skips
# building them (then the pinned public images of the config are pulled, unless
# a mirror file from an earlier run still names local ones).
#
# Environment:
#   PULUMI_CONFIG_PASSPHRASE: development's documented local passphrase by default.
#   PULUMI_BACKEND_URL: file://<project>/.pulumi-state by default.
set -Eeuo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
action="${1:-up}"
case "$action" in
  up | destroy) ;;
  *)
    echo "usage: bash scripts/dev-up.sh [up|destroy]" >&2
    exit 1
    ;;
esac

source toolchain/env.sh
bash toolchain/ensure-docker.sh

[[ -d node_modules ]] || npm ci --no-audit --no-fund
# The application image copies app/node_modules in: its build cannot reach a registry.
(cd app && npm ci --omit=dev --no-audit --no-fund --ignore-scripts)
[[ "${ADE_LOCAL_IMAGES:-1}" == 0 ]] || bash toolchain/build-images.sh

export PULUMI_CONFIG_PASSPHRASE="${PULUMI_CONFIG_PASSPHRASE:-ade-local-development}"
mkdir -p .pulumi-state
export PULUMI_BACKEND_URL="${PULUMI_BACKEND_URL:-file://$root/.pulumi-state}"

if [[ "$action" == destroy ]]; then
  pulumi destroy --yes --stack development --non-interactive
  exit 0
fi
npx ade deploy development --skip-tests
pulumi stack output --stack development
