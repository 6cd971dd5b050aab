# Smoke checks of ade-local/postgres; sourced by toolchain/images/smoke-test.sh.
# shellcheck shell=bash
PG="$(image_of postgres)"
pg_net="$PREFIX-pg-net"
new_network "$pg_net"
pgvol="$PREFIX-pgdata"
new_volume "$pgvol"
secret_file "$TMP/pg-password" 's3cret pw' 999
pg_run() { # a fresh container on the same volume
  run_bg "$1" --network "$pg_net" --network-alias db -p "127.0.0.1:$(port 10):5432" \
    -v "$pgvol:/var/lib/postgresql/data" -v "$TMP/pg-password:/run/secrets/pg-password:ro" \
    -e POSTGRES_USER=app -e POSTGRES_DB=appdb -e POSTGRES_PASSWORD_FILE=/run/secrets/pg-password "$PG"
}
psql_tcp() { # psql_tcp PASSWORD SQL: from another container, over the network
  docker run --rm --network "$pg_net" -e PGPASSWORD="$1" "$PG" \
    psql -h db -U app -d appdb -v ON_ERROR_STOP=1 -tAc "$2"
}
pg_run "$PREFIX-pg1"
check "postgres: pg_isready answers after the first initialisation" wait_for 60 docker exec "$PREFIX-pg1" pg_isready -h 127.0.0.1 -U app -d appdb
# shellcheck disable=SC2016 # expanded inside the container
check "postgres: server runs as uid 999" docker exec "$PREFIX-pg1" sh -c '[ "$(stat -c %u /proc/$(head -n1 $PGDATA/postmaster.pid))" = 999 ]'
check "postgres: psql over TCP with the password from the file" psql_tcp 's3cret pw' "CREATE TABLE kept(v text); INSERT INTO kept VALUES ('survives');"
check_fails "postgres: a wrong password is rejected" psql_tcp wrong 'SELECT 1'
check "postgres: reachable on 127.0.0.1:$(port 10) (published on loopback)" \
  docker run --rm --network host -e PGPASSWORD='s3cret pw' "$PG" psql -h 127.0.0.1 -p "$(port 10)" -U app -d appdb -tAc 'SELECT 1'
check "postgres: psql, pg_dump, pg_restore, pg_isready on PATH" docker exec "$PREFIX-pg1" sh -c 'command -v psql && command -v pg_dump && command -v pg_restore && command -v pg_isready'
check "postgres: docker stop takes under 5s (fast shutdown)" bash -c "s=\$SECONDS; docker stop $PREFIX-pg1 >/dev/null && [ \$((SECONDS - s)) -lt 5 ]"
docker rm -f "$PREFIX-pg1" >/dev/null
pg_run "$PREFIX-pg2"
check "postgres: a new container on the same volume starts" wait_for 60 docker exec "$PREFIX-pg2" pg_isready -h 127.0.0.1 -U app -d appdb
check "postgres: data survives container re-creation" bash -c "[ \"\$(docker run --rm --network $pg_net -e PGPASSWORD='s3cret pw' $PG psql -h db -U app -d appdb -tAc 'SELECT v FROM kept')\" = survives ]"
docker rm -f "$PREFIX-pg2" >/dev/null
pgvol2="$PREFIX-pgdata-999"
new_volume "$pgvol2"
run_bg "$PREFIX-pg3" --user 999:999 -v "$pgvol2:/var/lib/postgresql/data" \
  -v "$TMP/pg-password:/run/secrets/pg-password:ro" -e POSTGRES_PASSWORD_FILE=/run/secrets/pg-password "$PG"
check "postgres: started directly as uid 999 it initialises and runs" wait_for 60 docker exec "$PREFIX-pg3" pg_isready -h 127.0.0.1
check_fails "postgres: refuses to initialise without a password" docker run --rm "$PG"
