#!/usr/bin/env bash
# Runs each ade-local image and proves it works the way the platform uses it.
# Needs a running engine and the images (toolchain/ensure-docker.sh,
# toolchain/build-images.sh); publishes ports on 127.0.0.1 only and removes
# every container, volume and network it creates. Prints one line per check
# and closes with "N passed, N failed"; exits non-zero if any check failed.
set -uo pipefail

readonly PREFIX="ade-smoke-$$"
readonly PG=ade-local/postgres:15-1
readonly PROM=ade-local/prometheus:2-1
readonly NODE=ade-local/node:18-1
readonly GRAFANA=ade-local/grafana-standin:2
readonly ADMINER=ade-local/adminer:4-1

passed=0
failed=0
containers=()
volumes=()
networks=()
TMP="$(mktemp -d)"

ok() { passed=$((passed + 1)); printf 'ok   - %s\n' "$1"; }
not_ok() { failed=$((failed + 1)); printf 'FAIL - %s\n' "$1"; [ -z "${2:-}" ] || printf '       %s\n' "$2"; }
check() { # check "description" command...
  local desc="$1" out; shift
  if out="$("$@" 2>&1)"; then ok "$desc"; else not_ok "$desc" "$(tail -n 5 <<<"$out")"; fi
}

cleanup() {
  local c
  for c in "${containers[@]}"; do docker rm -f -v "$c" >/dev/null 2>&1; done
  for c in "${volumes[@]}"; do docker volume rm "$c" >/dev/null 2>&1; done
  for c in "${networks[@]}"; do docker network rm "$c" >/dev/null 2>&1; done
  rm -rf "$TMP"
}
trap cleanup EXIT

run_bg() { # run_bg NAME docker-run-args... : a detached container, removed on exit
  containers+=("$1")
  docker run -d --name "$@" >/dev/null
}

wait_for() { # wait_for SECONDS command...: true once the command succeeds
  local deadline=$((SECONDS + $1)); shift
  until "$@" >/dev/null 2>&1; do
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 0.5
  done
}

host_port() { docker port "$1" "$2" | head -n 1 | sed 's/.*://'; }

# A secret file as the platform uploads it: readable by the service's uid only.
secret_file() { # secret_file PATH VALUE UID
  printf '%s\n' "$2" >"$1"
  if [ "$(id -u)" -eq 0 ]; then chown "$3:$3" "$1"; chmod 0400 "$1"; else chmod 0444 "$1"; fi
}

for image in "$PG" "$PROM" "$NODE" "$GRAFANA" "$ADMINER"; do
  docker image inspect "$image" >/dev/null 2>&1 || { echo "missing image $image: run toolchain/build-images.sh" >&2; exit 1; }
done
command -v curl >/dev/null || { echo "curl is needed on the host" >&2; exit 1; }
chmod 755 "$TMP"

net="$PREFIX-net"
docker network create "$net" >/dev/null && networks+=("$net")

# ------------------------------------------------------------------ postgres
echo "# $PG"
pgvol="$PREFIX-pgdata"
docker volume create "$pgvol" >/dev/null && volumes+=("$pgvol")
secret_file "$TMP/pg-password" 's3cret pw' 999
pg_run() { # a fresh container on the same volume
  run_bg "$1" --network "$net" --network-alias db -p 127.0.0.1::5432 \
    -v "$pgvol:/var/lib/postgresql/data" -v "$TMP/pg-password:/run/secrets/pg-password:ro" \
    -e POSTGRES_USER=app -e POSTGRES_DB=appdb -e POSTGRES_PASSWORD_FILE=/run/secrets/pg-password "$PG"
}
psql_tcp() { # psql_tcp PASSWORD SQL: from another container, over the network
  docker run --rm --network "$net" -e PGPASSWORD="$1" "$PG" \
    psql -h db -U app -d appdb -v ON_ERROR_STOP=1 -tAc "$2"
}
pg_run "$PREFIX-pg1"
check "postgres: pg_isready answers after the first initialisation" wait_for 60 docker exec "$PREFIX-pg1" pg_isready -h 127.0.0.1 -U app -d appdb
# shellcheck disable=SC2016 # expanded inside the container
check "postgres: server runs as uid 999" docker exec "$PREFIX-pg1" sh -c '[ "$(stat -c %u /proc/$(head -n1 $PGDATA/postmaster.pid))" = 999 ]'
check "postgres: psql over TCP with the password from the file" psql_tcp 's3cret pw' "CREATE TABLE kept(v text); INSERT INTO kept VALUES ('survives');"
if psql_tcp wrong 'SELECT 1' >/dev/null 2>&1; then not_ok "postgres: a wrong password is rejected"; else ok "postgres: a wrong password is rejected"; fi
pgport="$(host_port "$PREFIX-pg1" 5432)"
check "postgres: reachable on 127.0.0.1:$pgport (published on loopback)" \
  docker run --rm --network host -e PGPASSWORD='s3cret pw' "$PG" psql -h 127.0.0.1 -p "$pgport" -U app -d appdb -tAc 'SELECT 1'
check "postgres: psql, pg_dump, pg_restore, pg_isready on PATH" docker exec "$PREFIX-pg1" sh -c 'command -v psql && command -v pg_dump && command -v pg_restore && command -v pg_isready'
check "postgres: docker stop takes under 5s (fast shutdown)" bash -c "s=\$SECONDS; docker stop $PREFIX-pg1 >/dev/null && [ \$((SECONDS - s)) -lt 5 ]"
docker rm -f "$PREFIX-pg1" >/dev/null
pg_run "$PREFIX-pg2"
check "postgres: a new container on the same volume starts" wait_for 60 docker exec "$PREFIX-pg2" pg_isready -h 127.0.0.1 -U app -d appdb
check "postgres: data survives container re-creation" bash -c "[ \"\$(docker run --rm --network $net -e PGPASSWORD='s3cret pw' $PG psql -h db -U app -d appdb -tAc 'SELECT v FROM kept')\" = survives ]"
docker rm -f "$PREFIX-pg2" >/dev/null
pgvol2="$PREFIX-pgdata-999"
docker volume create "$pgvol2" >/dev/null && volumes+=("$pgvol2")
run_bg "$PREFIX-pg3" --user 999:999 -v "$pgvol2:/var/lib/postgresql/data" \
  -v "$TMP/pg-password:/run/secrets/pg-password:ro" -e POSTGRES_PASSWORD_FILE=/run/secrets/pg-password "$PG"
check "postgres: started directly as uid 999 it initialises and runs" wait_for 60 docker exec "$PREFIX-pg3" pg_isready -h 127.0.0.1
if docker run --rm "$PG" >/dev/null 2>&1; then not_ok "postgres: refuses to initialise without a password"; else ok "postgres: refuses to initialise without a password"; fi

# ---------------------------------------------------------------- prometheus
echo "# $PROM"
run_bg "$PREFIX-prom" -p 127.0.0.1::9090 "$PROM"
check "prometheus: /-/healthy via wget inside the container" wait_for 60 docker exec "$PREFIX-prom" wget -q -O /dev/null http://127.0.0.1:9090/-/healthy
check "prometheus: runs as 65534" bash -c "[ \"\$(docker exec $PREFIX-prom id -u)\" = 65534 ]"
check "prometheus: promtool --version" docker exec "$PREFIX-prom" promtool --version
check "prometheus: default config passes promtool" docker exec "$PREFIX-prom" promtool check config /etc/prometheus/prometheus.yml
check "prometheus: /-/ready on the loopback-published port" curl -fsS -o /dev/null "http://127.0.0.1:$(host_port "$PREFIX-prom" 9090)/-/ready"

# ---------------------------------------------------------------------- node
echo "# $NODE"
check "node: node -e prints v18" bash -c "docker run --rm $NODE node -e 'console.log(process.version)' | grep -q '^v18\\.'"
check "node: user node is 1000:1000, workdir /app" bash -c "[ \"\$(docker run --rm --user node $NODE sh -c 'echo \$(id -u):\$(id -g):\$PWD')\" = 1000:1000:/app ]"

# ---------------------------------------------------------- grafana stand-in
echo "# $GRAFANA"
prov="$TMP/provisioning"
mkdir -p "$prov/datasources" "$prov/dashboards" "$TMP/dashboards"
cat >"$prov/datasources/prometheus.yaml" <<'EOF'
apiVersion: 1
datasources:
  - name: Prometheus
    type: prometheus
    uid: prometheus
    access: proxy
    url: http://prometheus:9090
    isDefault: true
EOF
cat >"$prov/dashboards/provider.yaml" <<'EOF'
apiVersion: 1
providers:
  - name: ade
    type: file
    options:
      path: /var/lib/grafana/dashboards
EOF
printf '{"uid":"ade-app","title":"ADE App","panels":[]}\n' >"$TMP/dashboards/app.json"
chmod -R a+rX "$prov" "$TMP/dashboards"
secret_file "$TMP/gf-password" 'gf pass' 472
gf_args=(-v "$prov:/etc/grafana/provisioning:ro" -v "$TMP/dashboards:/var/lib/grafana/dashboards:ro"
  -v "$TMP/gf-password:/run/secrets/gf-password:ro" -e GF_SECURITY_ADMIN_USER=boss
  -e GF_SECURITY_ADMIN_PASSWORD__FILE=/run/secrets/gf-password)
run_bg "$PREFIX-gf" -p 127.0.0.1::3000 "${gf_args[@]}" "$GRAFANA"
check "grafana-standin: healthcheck via wget inside the container" wait_for 30 docker exec "$PREFIX-gf" wget -q -O /dev/null http://127.0.0.1:3000/api/health
gf="http://127.0.0.1:$(host_port "$PREFIX-gf" 3000)"
check "grafana-standin: /api/health is 200 with the stand-in version" bash -c "[ \"\$(curl -fsS $gf/api/health)\" = '{\"database\":\"ok\",\"version\":\"standin-2\"}' ]"
check "grafana-standin: /api/datasources without auth is 401" bash -c "[ \"\$(curl -s -o /dev/null -w '%{http_code}' $gf/api/datasources)\" = 401 ]"
check "grafana-standin: /api/datasources with the admin password lists Prometheus" bash -c "curl -fsS -u 'boss:gf pass' $gf/api/datasources | grep -q '\"name\":\"Prometheus\"'"
check "grafana-standin: /api/search lists the provisioned dashboard" bash -c "curl -fsS -u 'boss:gf pass' $gf/api/search | grep -q '\"uid\":\"ade-app\"'"
check "grafana-standin: /api/dashboards/uid/ade-app returns it" bash -c "curl -fsS -u 'boss:gf pass' $gf/api/dashboards/uid/ade-app | grep -q '\"title\":\"ADE App\"'"
check "grafana-standin: runs as 472" bash -c "[ \"\$(docker exec $PREFIX-gf id -u)\" = 472 ]"
run_bg "$PREFIX-gf-anon" -p 127.0.0.1::3000 "${gf_args[@]}" -e GF_AUTH_ANONYMOUS_ENABLED=true "$GRAFANA"
gf_anon="http://127.0.0.1:$(host_port "$PREFIX-gf-anon" 3000)"
check "grafana-standin: with anonymous access /api/datasources is 200 without auth" wait_for 30 curl -fsS -o /dev/null "$gf_anon/api/datasources"
printf 'datasources:\n  - name: [broken\n' >"$prov/datasources/broken.yaml"
chmod a+r "$prov/datasources/broken.yaml"
out="$(docker run --rm "${gf_args[@]}" "$GRAFANA" 2>&1)"; rc=$?
if [ "$rc" -ne 0 ] && grep -q 'broken.yaml: not valid YAML' <<<"$out"; then
  ok "grafana-standin: a broken YAML makes it exit non-zero ($rc) naming the file"
else
  not_ok "grafana-standin: a broken YAML makes it exit non-zero naming the file" "exit $rc: $out"
fi

# ------------------------------------------------------------------- adminer
echo "# $ADMINER"
run_bg "$PREFIX-adminer" --network "$net" -p 127.0.0.1::8080 -e ADMINER_DEFAULT_SERVER=db "$ADMINER"
adm="http://127.0.0.1:$(host_port "$PREFIX-adminer" 8080)"
check "adminer: HTTP 200 on :8080" wait_for 20 curl -fsS -o /dev/null "$adm/"
check "adminer: login form pre-filled from ADMINER_DEFAULT_SERVER" bash -c "curl -fsS $adm/ | grep -q 'name=\"auth\\[server\\]\" value=\"db\"'"
check "adminer: runs as a non-root user" bash -c "[ \"\$(docker exec $PREFIX-adminer id -u)\" != 0 ]"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
