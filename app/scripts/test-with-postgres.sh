#!/usr/bin/env bash
# Runs the app's test suite against a throwaway PostgreSQL cluster, so the
# database tests run instead of being skipped. The cluster lives in a fresh
# directory under /tmp, listens on 127.0.0.1 only, uses password (SCRAM)
# authentication, and is stopped and deleted on exit, whatever happened.
#
# Needs Debian's PostgreSQL server binaries: apt-get install -y postgresql
# Extra arguments go to mocha. TEST_NODE=/path/to/node runs the suite on another
# Node (the image supports both 18 and 22).
set -euo pipefail
cd "$(dirname "$0")/.."

pg_bin="${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}"
if [[ ! -x "$pg_bin/initdb" ]]; then
  echo "test-with-postgres: no PostgreSQL server under /usr/lib/postgresql/*/bin (PG_BIN=${PG_BIN:-unset}); install it with: apt-get install -y postgresql" >&2
  exit 1
fi

work="$(mktemp -d /tmp/ade-app-pg.XXXXXX)"
port="$(node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })')"
node -e 'console.log(require("crypto").randomBytes(18).toString("hex"))' > "$work/password"

# initdb refuses to run as root; the cluster then belongs to postgres.
as_owner() { "$@"; }
if [[ "$(id -u)" == 0 ]]; then
  chown -R postgres "$work"
  as_owner() { runuser -u postgres -- "$@"; }
fi

stop() {
  status=$?
  as_owner "$pg_bin/pg_ctl" -D "$work/data" -m fast -w stop >/dev/null 2>&1 || true
  if [[ $status -ne 0 && -f "$work/server.log" ]]; then
    echo "test-with-postgres: last lines of the PostgreSQL log:" >&2
    tail -n 20 "$work/server.log" >&2
  fi
  rm -rf "$work"
  exit $status
}
trap stop EXIT

as_owner "$pg_bin/initdb" -D "$work/data" -U app --auth=scram-sha-256 --pwfile="$work/password" >/dev/null
as_owner "$pg_bin/pg_ctl" -D "$work/data" -l "$work/server.log" -w \
  -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$work" start >/dev/null
echo "test-with-postgres: PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port (data in $work)"

TEST_DATABASE_HOST=127.0.0.1 \
TEST_DATABASE_PORT="$port" \
TEST_DATABASE_NAME=postgres \
TEST_DATABASE_USER=app \
TEST_DATABASE_PASSWORD_FILE="$work/password" \
  "${TEST_NODE:-node}" node_modules/mocha/bin/mocha.js "$@"
