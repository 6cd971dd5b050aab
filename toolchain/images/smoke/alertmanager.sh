# Smoke checks of ade-local/alertmanager; sourced by toolchain/images/smoke-test.sh.
# shellcheck shell=bash
ALERTMANAGER="$(image_of alertmanager)"
mkdir -p "$TMP/alertmanager"
cat >"$TMP/alertmanager/alertmanager.yml" <<'YAML'
route:
  receiver: platform
  group_by: [alertname]
receivers:
  - name: platform
    webhook_configs:
      - url: http://127.0.0.1:9/alerts
YAML
chmod -R a+rX "$TMP/alertmanager"
run_bg "$PREFIX-alertmanager" -p "127.0.0.1:$(port 70):9093" \
  -v "$TMP/alertmanager/alertmanager.yml:/etc/alertmanager/alertmanager.yml:ro" "$ALERTMANAGER"
am="http://127.0.0.1:$(port 70)"
check "alertmanager: /-/healthy answers on the loopback-published port" wait_for 30 curl -fsS -o /dev/null "$am/-/healthy"
check "alertmanager: /-/ready answers" curl -fsS -o /dev/null "$am/-/ready"
check "alertmanager: runs as 65534" runs_as "$PREFIX-alertmanager" 65534
check "alertmanager: amtool accepts the mounted config" docker exec "$PREFIX-alertmanager" amtool check-config /etc/alertmanager/alertmanager.yml
check "alertmanager: the mounted config is the one loaded (receiver platform)" body_has "$am/api/v2/status" 'receiver: platform'
check "alertmanager: amtool adds an alert through the API" \
  docker exec "$PREFIX-alertmanager" amtool --alertmanager.url=http://127.0.0.1:9093 alert add AdeSmoke severity=none
check "alertmanager: the alert is listed by /api/v2/alerts" wait_for 10 body_has "$am/api/v2/alerts" '"alertname":"AdeSmoke"'
check_fails "alertmanager: a broken config makes it exit" \
  docker run --rm -v "$TMP/alertmanager:/cfg:ro" "$ALERTMANAGER" --config.file=/cfg/missing.yml --storage.path=/alertmanager
