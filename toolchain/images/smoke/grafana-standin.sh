# Smoke checks of ade-local/grafana-standin; sourced by toolchain/images/smoke-test.sh.
# shellcheck shell=bash
GRAFANA="$(image_of grafana-standin)"
prov="$TMP/provisioning"
mkdir -p "$prov/datasources" "$prov/dashboards" "$TMP/dashboards"
cat >"$prov/datasources/prometheus.yaml" <<'YAML'
apiVersion: 1
datasources:
  - name: Prometheus
    type: prometheus
    uid: prometheus
    access: proxy
    url: http://prometheus:9090
    isDefault: true
YAML
cat >"$prov/dashboards/provider.yaml" <<'YAML'
apiVersion: 1
providers:
  - name: ade
    type: file
    options:
      path: /var/lib/grafana/dashboards
YAML
printf '{"uid":"ade-app","title":"ADE App","panels":[]}\n' >"$TMP/dashboards/app.json"
chmod -R a+rX "$prov" "$TMP/dashboards"
secret_file "$TMP/gf-password" 'gf pass' 472
gf_args=(-v "$prov:/etc/grafana/provisioning:ro" -v "$TMP/dashboards:/var/lib/grafana/dashboards:ro"
  -v "$TMP/gf-password:/run/secrets/gf-password:ro" -e GF_SECURITY_ADMIN_USER=boss
  -e GF_SECURITY_ADMIN_PASSWORD__FILE=/run/secrets/gf-password)
run_bg "$PREFIX-gf" -p "127.0.0.1:$(port 30):3000" "${gf_args[@]}" "$GRAFANA"
check "grafana-standin: healthcheck via wget inside the container" wait_for 30 docker exec "$PREFIX-gf" wget -q -O /dev/null http://127.0.0.1:3000/api/health
gf="http://127.0.0.1:$(port 30)"
check "grafana-standin: /api/health is 200 with the stand-in version" bash -c "[ \"\$(curl -fsS $gf/api/health)\" = '{\"database\":\"ok\",\"version\":\"standin-2\"}' ]"
check "grafana-standin: /api/datasources without auth is 401" bash -c "[ \"\$(curl -s -o /dev/null -w '%{http_code}' $gf/api/datasources)\" = 401 ]"
check "grafana-standin: /api/datasources with the admin password lists Prometheus" bash -c "curl -fsS -u 'boss:gf pass' $gf/api/datasources | grep -q '\"name\":\"Prometheus\"'"
check "grafana-standin: /api/search lists the provisioned dashboard" bash -c "curl -fsS -u 'boss:gf pass' $gf/api/search | grep -q '\"uid\":\"ade-app\"'"
check "grafana-standin: /api/dashboards/uid/ade-app returns it" bash -c "curl -fsS -u 'boss:gf pass' $gf/api/dashboards/uid/ade-app | grep -q '\"title\":\"ADE App\"'"
check "grafana-standin: runs as 472" runs_as "$PREFIX-gf" 472
run_bg "$PREFIX-gf-anon" -p "127.0.0.1:$(port 31):3000" "${gf_args[@]}" -e GF_AUTH_ANONYMOUS_ENABLED=true "$GRAFANA"
check "grafana-standin: with anonymous access /api/datasources is 200 without auth" wait_for 30 curl -fsS -o /dev/null "http://127.0.0.1:$(port 31)/api/datasources"
printf 'datasources:\n  - name: [broken\n' >"$prov/datasources/broken.yaml"
chmod a+r "$prov/datasources/broken.yaml"
out="$(docker run --rm "${gf_args[@]}" "$GRAFANA" 2>&1)"; rc=$?
if [ "$rc" -ne 0 ] && grep -q 'broken.yaml: not valid YAML' <<<"$out"; then
  ok "grafana-standin: a broken YAML makes it exit non-zero ($rc) naming the file"
else
  not_ok "grafana-standin: a broken YAML makes it exit non-zero naming the file" "exit $rc: $out"
fi
