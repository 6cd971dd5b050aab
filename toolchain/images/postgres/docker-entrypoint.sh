#!/usr/bin/env bash
# Entrypoint of ade-local/postgres. Follows the official postgres image's
# contract so one program can drive either image:
#   POSTGRES_PASSWORD / POSTGRES_PASSWORD_FILE  superuser password (required on first start
#                                               unless POSTGRES_HOST_AUTH_METHOD=trust)
#   POSTGRES_USER      superuser name (default postgres)
#   POSTGRES_DB        database created on first start (default $POSTGRES_USER)
#   POSTGRES_INITDB_ARGS, POSTGRES_HOST_AUTH_METHOD (default scram-sha-256)
#   PGDATA             cluster directory (default /var/lib/postgresql/data)
#   /docker-entrypoint-initdb.d/*.sh|*.sql|*.sql.gz  run once, after the first initdb
# Started as root it prepares the directories and drops to postgres (999:999);
# started as uid 999 it runs directly. An existing cluster is started as it is.
set -Eeuo pipefail

export PGDATA="${PGDATA:-/var/lib/postgresql/data}"

log() { printf '%s [entrypoint] %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# Sets VAR from VAR or from the file named by VAR_FILE (never both).
file_env() {
  local var="$1" default="${2:-}" file_var="${1}_FILE"
  local val="$default"
  if [ -n "${!var:-}" ] && [ -n "${!file_var:-}" ]; then
    die "both $var and $file_var are set; they are exclusive"
  fi
  if [ -n "${!var:-}" ]; then
    val="${!var}"
  elif [ -n "${!file_var:-}" ]; then
    [ -r "${!file_var}" ] || die "$file_var=${!file_var}: file missing or not readable by uid $(id -u) (mount it readable by 999)"
    val="$(<"${!file_var}")"
  fi
  export "$var"="$val"
  unset "$file_var"
}

# Runs as root only: directories the postgres user must own.
prepare_dirs_as_root() {
  mkdir -p "$PGDATA" /var/run/postgresql
  chmod 00700 "$PGDATA"
  chmod 03775 /var/run/postgresql
  find "$PGDATA" /var/run/postgresql \! -user postgres -exec chown postgres:postgres '{}' +
}

init_cluster() {
  file_env POSTGRES_PASSWORD
  export POSTGRES_USER="${POSTGRES_USER:-postgres}"
  export POSTGRES_DB="${POSTGRES_DB:-$POSTGRES_USER}"
  local auth="${POSTGRES_HOST_AUTH_METHOD:-scram-sha-256}"

  if [ -z "$POSTGRES_PASSWORD" ] && [ "$auth" != trust ]; then
    die "the database is not initialised and no superuser password is set: set POSTGRES_PASSWORD_FILE (or POSTGRES_PASSWORD), or POSTGRES_HOST_AUTH_METHOD=trust to allow connections without one"
  fi

  log "initialising a new cluster in $PGDATA (superuser $POSTGRES_USER, database $POSTGRES_DB)"
  mkdir -p "$PGDATA"
  chmod 00700 "$PGDATA" 2>/dev/null || true
  local initdb_args=(--username="$POSTGRES_USER" --auth-local=trust --auth-host="$auth")
  if [ -n "$POSTGRES_PASSWORD" ]; then
    # shellcheck disable=SC2086 # POSTGRES_INITDB_ARGS is a word list, as in the official image
    initdb "${initdb_args[@]}" --pwfile=<(printf '%s\n' "$POSTGRES_PASSWORD") ${POSTGRES_INITDB_ARGS:-} -D "$PGDATA"
  else
    # shellcheck disable=SC2086
    initdb "${initdb_args[@]}" ${POSTGRES_INITDB_ARGS:-} -D "$PGDATA"
  fi
  # Connections from other containers (any address) authenticate with the password.
  printf '\nhost all all all %s\n' "$auth" >>"$PGDATA/pg_hba.conf"

  # A private server on the socket only, for the one-time set-up below.
  pg_ctl -D "$PGDATA" -o "-c listen_addresses='' -p 5432" -w start >/dev/null
  local psql=(psql -v ON_ERROR_STOP=1 --no-psqlrc --no-password --username "$POSTGRES_USER" --dbname postgres)
  if [ "$POSTGRES_DB" != postgres ]; then
    if [ -z "$("${psql[@]}" -tA --set db="$POSTGRES_DB" <<<"SELECT 1 FROM pg_database WHERE datname = :'db';")" ]; then
      "${psql[@]}" --set db="$POSTGRES_DB" <<<'CREATE DATABASE :"db";' >/dev/null
    fi
  fi
  local f
  for f in /docker-entrypoint-initdb.d/*; do
    [ -e "$f" ] || continue
    case "$f" in
      *.sh)
        log "running $f"
        # shellcheck disable=SC1090 # init scripts are the user's
        if [ -x "$f" ]; then "$f"; else . "$f"; fi
        ;;
      *.sql) log "running $f"; "${psql[@]}" --dbname "$POSTGRES_DB" -f "$f" >/dev/null ;;
      *.sql.gz) log "running $f"; gunzip -c "$f" | "${psql[@]}" --dbname "$POSTGRES_DB" >/dev/null ;;
      *) log "ignoring $f" ;;
    esac
  done
  pg_ctl -D "$PGDATA" -m fast -w stop >/dev/null
  unset POSTGRES_PASSWORD
  log "initialisation complete"
}

# docker stop sends SIGTERM, which postgres reads as a "smart" shutdown that
# waits for every client to leave (the official image sets STOPSIGNAL SIGINT;
# `docker import` cannot). Translate it into a fast shutdown.
run_server() {
  "$@" &
  local pid=$! status=0
  trap 'kill -INT "$pid" 2>/dev/null || true' TERM INT
  trap 'kill -QUIT "$pid" 2>/dev/null || true' QUIT
  while :; do
    wait "$pid" && status=0 || status=$?
    kill -0 "$pid" 2>/dev/null || break
  done
  exit "$status"
}

# `postgres --version` and friends only print: no set-up, no server.
wants_help() {
  local arg
  for arg; do
    case "$arg" in
      -'?'|--help|--describe-config|-V|--version) return 0 ;;
    esac
  done
  return 1
}

main() {
  if [ "$#" -eq 0 ]; then
    set -- postgres
  fi
  if [ "${1:0:1}" = '-' ]; then
    set -- postgres "$@"
  fi
  if [ "$1" != postgres ] || wants_help "$@"; then
    exec "$@"
  fi

  if [ "$(id -u)" = 0 ]; then
    prepare_dirs_as_root
    export HOME=/var/lib/postgresql
    exec setpriv --reuid=postgres --regid=postgres --init-groups "${BASH_SOURCE[0]}" "$@"
  fi

  if [ ! -s "$PGDATA/PG_VERSION" ]; then
    init_cluster
  else
    log "using the existing cluster in $PGDATA (PostgreSQL $(cat "$PGDATA/PG_VERSION")); skipping initialisation"
  fi
  unset POSTGRES_PASSWORD POSTGRES_PASSWORD_FILE
  run_server "$@"
}

main "$@"
