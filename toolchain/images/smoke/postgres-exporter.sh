# Smoke checks of ade-local/postgres-exporter; sourced by toolchain/images/smoke-test.sh.
# Against ade-local/postgres on a network of its own; the exporter reads the
# password from a file (DATA_SOURCE_PASS_FILE), never from its environment.
# The password has no space: 0.11.1 refuses one ("malformed dsn", see the recipe).
# SMOKE_NEEDS: postgres
# shellcheck shell=bash
PG_EXPORTER="$(image_of postgres-exporter)"
pe_net="$PREFIX-pgexp-net"
new_network "$pe_net"
secret_file "$TMP/pe-db-password" 'exp0rter:p@ss/w#rd' 999
run_bg "$PREFIX-pgexp-db" --network "$pe_net" --network-alias db \
  -v "$TMP/pe-db-password:/run/secrets/db-password:ro" \
  -e POSTGRES_USER=app -e POSTGRES_DB=appdb -e POSTGRES_PASSWORD_FILE=/run/secrets/db-password "$(image_of postgres)"
secret_file "$TMP/pe-password" 'exp0rter:p@ss/w#rd' 65534
secret_file "$TMP/pe-wrong-password" 'not-it' 65534
exporter_run() { # exporter_run NAME PORT PASSWORD_FILE
  run_bg "$1" --network "$pe_net" -p "127.0.0.1:$2:9187" -v "$3:/run/secrets/db-password:ro" \
    -e DATA_SOURCE_URI='db:5432/appdb?sslmode=disable' -e DATA_SOURCE_USER=app \
    -e DATA_SOURCE_PASS_FILE=/run/secrets/db-password "$PG_EXPORTER"
}
check "postgres-exporter: the database is up" wait_for 60 docker exec "$PREFIX-pgexp-db" pg_isready -h 127.0.0.1 -U app -d appdb
exporter_run "$PREFIX-pgexp" "$(port 90)" "$TMP/pe-password"
check "postgres-exporter: pg_up 1 with the password from DATA_SOURCE_PASS_FILE" \
  wait_for 30 body_has "http://127.0.0.1:$(port 90)/metrics" '^pg_up 1$'
check "postgres-exporter: runs as 65534" runs_as "$PREFIX-pgexp" 65534
env_has_no_password() { ! docker inspect -f '{{range .Config.Env}}{{println .}}{{end}}' "$PREFIX-pgexp" | grep -F 'p@ss'; }
check "postgres-exporter: the password is not in the container's environment" env_has_no_password
exporter_run "$PREFIX-pgexp-wrong" "$(port 91)" "$TMP/pe-wrong-password"
check "postgres-exporter: pg_up 0 with a wrong password in the file (the file is what it reads)" \
  wait_for 30 body_has "http://127.0.0.1:$(port 91)/metrics" '^pg_up 0$'
