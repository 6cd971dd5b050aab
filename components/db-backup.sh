#!/usr/bin/env bash
# Pre-update backup of the platform database, run by the Database component's
# @pulumi/command step before any change to the database container.
# Input (environment): ADE_DB_CONTAINER, ADE_DB_NAME, ADE_DB_USER, ADE_BACKUP_DIR, ADE_BACKUP_RETENTION.
# Prints the path of the dump it wrote (or why there was nothing to back up).
set -euo pipefail

: "${ADE_DB_CONTAINER:?ADE_DB_CONTAINER is required}"
: "${ADE_DB_NAME:?ADE_DB_NAME is required}"
: "${ADE_DB_USER:?ADE_DB_USER is required}"
: "${ADE_BACKUP_DIR:?ADE_BACKUP_DIR is required}"
retention="${ADE_BACKUP_RETENTION:-7}"

state=$(docker inspect --format '{{.State.Running}}' "$ADE_DB_CONTAINER" 2>/dev/null || true)
if [ "$state" != "true" ]; then
    # First deployment (or the container is gone): there is no data to lose yet.
    echo "no backup: container $ADE_DB_CONTAINER is not running"
    exit 0
fi

mkdir -p "$ADE_BACKUP_DIR"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
file="$ADE_BACKUP_DIR/$ADE_DB_CONTAINER-$stamp.dump"
partial="$file.partial"
# Custom format (-Fc) restores with pg_restore, table by table.
# The password never leaves the container: pg_dump reads it from the secret file there.
if ! docker exec -e PGUSER="$ADE_DB_USER" -e PGDATABASE="$ADE_DB_NAME" "$ADE_DB_CONTAINER" \
    sh -c 'PGPASSWORD="$(cat "$POSTGRES_PASSWORD_FILE")" exec pg_dump -h 127.0.0.1 -Fc' >"$partial" 2>"$partial.err"; then
    echo "backup of $ADE_DB_CONTAINER failed: $(cat "$partial.err")" >&2
    rm -f "$partial" "$partial.err"
    exit 1
fi
rm -f "$partial.err"
mv "$partial" "$file"

# Keep the newest $retention dumps of this container.
ls -1t "$ADE_BACKUP_DIR/$ADE_DB_CONTAINER"-*.dump 2>/dev/null | tail -n +"$((retention + 1))" | while read -r old; do rm -f -- "$old"; done
echo "backup: $file"
