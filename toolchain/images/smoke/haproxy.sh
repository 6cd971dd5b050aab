# Smoke checks of ade-local/haproxy; sourced by toolchain/images/smoke-test.sh.
# A config like the platform's: backends found as tasks.<service> through
# Docker's DNS (resolvers + server-template), health-checked, and a Prometheus
# endpoint served by the prometheus-exporter service.
# shellcheck shell=bash
HAPROXY="$(image_of haproxy)"
hap_net="$PREFIX-haproxy-net"
new_network "$hap_net"
mkdir -p "$TMP/haproxy"
cat >"$TMP/haproxy/backend.cfg" <<'CFG'
defaults
  mode http
  timeout connect 2s
  timeout client 5s
  timeout server 5s
frontend answer
  bind :8080
  http-request return status 200 content-type text/plain string "${BACKEND_NAME}"
CFG
cat >"$TMP/haproxy/haproxy.cfg" <<'CFG'
global
  log stdout format raw local0
defaults
  mode http
  log global
  timeout connect 2s
  timeout client 5s
  timeout server 5s
resolvers docker
  nameserver dns 127.0.0.11:53
  hold valid 1s
  hold obsolete 1s
frontend web
  bind :8080
  default_backend app
frontend metrics
  bind :8405
  http-request use-service prometheus-exporter if { path /metrics }
backend app
  balance roundrobin
  option httpchk GET /
  default-server check inter 1s fall 2 rise 1 resolvers docker init-addr none
  server-template task 4 tasks.app:8080
CFG
chmod -R a+rX "$TMP/haproxy"
for n in 1 2; do
  run_bg "$PREFIX-haproxy-app$n" --network "$hap_net" --network-alias tasks.app -e "BACKEND_NAME=app$n" \
    -v "$TMP/haproxy/backend.cfg:/usr/local/etc/haproxy/haproxy.cfg:ro" "$HAPROXY"
done
run_bg "$PREFIX-haproxy" --network "$hap_net" -p "127.0.0.1:$(port 60):8080" -p "127.0.0.1:$(port 61):8405" \
  -v "$TMP/haproxy/haproxy.cfg:/usr/local/etc/haproxy/haproxy.cfg:ro" "$HAPROXY"
web="http://127.0.0.1:$(port 60)/"
metrics="http://127.0.0.1:$(port 61)/metrics"
lists_exporter() { docker run --rm "$HAPROXY" haproxy -vv | grep prometheus-exporter; }
check "haproxy: -vv lists the prometheus-exporter service" lists_exporter
check "haproxy: the config passes haproxy -c" docker exec "$PREFIX-haproxy" haproxy -c -f /usr/local/etc/haproxy/haproxy.cfg
check "haproxy: runs as uid 99" runs_as "$PREFIX-haproxy" 99
active_servers() { body_has "$metrics" "^haproxy_backend_active_servers\\{proxy=\"app\"\\} $1\$"; }
check "haproxy: /metrics reports both tasks.app backends up (resolved through 127.0.0.11, health-checked)" wait_for 30 active_servers 2
answered_by() { # answered_by "app1 app2": the distinct backends that answer 10 requests
  local i got
  got="$(for i in 1 2 3 4 5 6 7 8 9 10; do curl -fsS "$web"; echo; done | sort -u | xargs)"
  [ "$got" = "$1" ] || { echo "answered by: '$got'"; return 1; }
}
check "haproxy: requests are balanced over both backends" answered_by "app1 app2"
docker stop -t 1 "$PREFIX-haproxy-app2" >/dev/null
check "haproxy: a stopped backend is taken out (health check)" wait_for 30 active_servers 1
check "haproxy: every request then goes to the backend that is left" answered_by app1
