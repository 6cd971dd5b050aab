# Smoke checks of ade-local/prometheus; sourced by toolchain/images/smoke-test.sh.
# shellcheck shell=bash
PROM="$(image_of prometheus)"
run_bg "$PREFIX-prom" -p "127.0.0.1:$(port 20):9090" "$PROM"
check "prometheus: /-/healthy via wget inside the container" wait_for 60 docker exec "$PREFIX-prom" wget -q -O /dev/null http://127.0.0.1:9090/-/healthy
check "prometheus: runs as 65534" runs_as "$PREFIX-prom" 65534
check "prometheus: promtool --version" docker exec "$PREFIX-prom" promtool --version
check "prometheus: default config passes promtool" docker exec "$PREFIX-prom" promtool check config /etc/prometheus/prometheus.yml
check "prometheus: /-/ready on the loopback-published port" curl -fsS -o /dev/null "http://127.0.0.1:$(port 20)/-/ready"
