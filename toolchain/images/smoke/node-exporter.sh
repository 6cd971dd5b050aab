# Smoke checks of ade-local/node-exporter; sourced by toolchain/images/smoke-test.sh.
# shellcheck shell=bash
NODE_EXPORTER="$(image_of node-exporter)"
run_bg "$PREFIX-node-exporter" -p "127.0.0.1:$(port 80):9100" "$NODE_EXPORTER"
ne="http://127.0.0.1:$(port 80)/metrics"
check "node-exporter: /metrics has node_cpu_seconds_total" wait_for 30 body_has "$ne" '^node_cpu_seconds_total\{'
check "node-exporter: /metrics has node_memory_MemTotal_bytes" body_has "$ne" '^node_memory_MemTotal_bytes '
check "node-exporter: runs as 65534" runs_as "$PREFIX-node-exporter" 65534
