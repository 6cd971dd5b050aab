#!/usr/bin/env bash
# Brings the development stack up on the local Docker engine, with a local file
# state backend (no account): the README's first command.
#
#   bash scripts/dev-up.sh              up (installs what is missing first)
#   bash scripts/dev-up.sh destroy      tear development down again
#
# Environment:
#   ADE_IMAGES=local (default) builds and runs the images of toolchain/images/ from Debian's
#     packages, so no registry is needed; ADE_IMAGES=public runs the pinned public
#     images of config/schema.ts (postgres, prom/prometheus, grafana/grafana, ...).
#   PULUMI_CONFIG_PASSPHRASE: development's documented local passphrase by default.
#   PULUMI_BACKEND_URL: file://<project>/.pulumi-state by default.
set -Eeuo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
action="${1:-up}"

source toolchain/env.sh
bash toolchain/ensure-docker.sh

[[ -d node_modules ]] || npm ci --no-audit --no-fund
# The application image copies app/node_modules in: its build cannot reach a registry.
(cd app && npm ci --omit=dev --no-audit --no-fund --ignore-scripts)

export PULUMI_CONFIG_PASSPHRASE="${PULUMI_CONFIG_PASSPHRASE:-ade-local-development}"
mkdir -p .pulumi-state
export PULUMI_BACKEND_URL="${PULUMI_BACKEND_URL:-file://$root/.pulumi-state}"
pulumi stack select development --create --secrets-provider passphrase --non-interactive

config_args=()
if [[ "${ADE_IMAGES:-local}" == local ]]; then
  bash toolchain/build-images.sh
  # The real stack file keeps the public images; the local ones come in through a
  # copy of it, so nothing committed changes.
  mkdir -p .ade
  node toolchain/local-images-config.js Pulumi.development.yaml >.ade/Pulumi.development.local-images.yaml
  config_args=(--config-file .ade/Pulumi.development.local-images.yaml)
fi

case "$action" in
  up)
    pulumi up --yes --stack development --message "dev-up" "${config_args[@]}"
    pulumi stack output --stack development
    ;;
  destroy)
    pulumi destroy --yes --stack development "${config_args[@]}"
    ;;
  *)
    echo "usage: bash scripts/dev-up.sh [up|destroy]" >&2
    exit 1
    ;;
esac
