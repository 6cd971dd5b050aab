#!/usr/bin/env bash
# Pre-update backup of the platform database, run by the Database component's
# @pulumi/command step before any change to the database container.
# Input (environment): ADE_DB_LABELS (the labels, space-separated, that find the
# database's running container: a plain container or a Swarm task), ADE_BACKUP_NAME
# (the dumps' file name prefix), ADE_DB_NAME, ADE_DB_USER, ADE_BACKUP_DIR,
# ADE_BACKUP_RETENTION. Prints the path of the dump it wrote (or why there was
# nothing to back up).
set -euo pipefail

: "${ADE_DB_LABELS:?ADE_DB_LABELS is required}"
: "${ADE_BACKUP_NAME:?ADE_BACKUP_NAME is required}"
: "${ADE_DB_NAME:?ADE_DB_NAME is required}"
: "${ADE_DB_USER:?ADE_DB_USER is required}"
: "${ADE_BACKUP_DIR:?ADE_BACKUP_DIR is required}"
retention="${ADE_BACKUP_RETENTION:-7}"

filters=()
for label in $ADE_DB_LABELS; do filters+=(--filter "label=$label"); done
ADE_DB_CONTAINER=$(docker ps --quiet --filter status=running "${filters[@]}" | head -n 1)
if [ -z "$ADE_DB_CONTAINER" ]; then
    # First deployment (or the database is not running): there is no data to lose yet.
    echo "no backup: no running container has the labels $ADE_DB_LABELS"
    exit 0
fi

mkdir -p "$ADE_BACKUP_DIR"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
file="$ADE_BACKUP_DIR/$ADE_BACKUP_NAME-$stamp.dump"
partial="$file.partial"
# Custom format (-Fc) restores with pg_restore, table by table.
# The password never leaves the container: pg_dump reads it from the secret file there.
if ! docker exec -e PGUSER="$ADE_DB_USER" -e PGDATABASE="$ADE_DB_NAME" "$ADE_DB_CONTAINER" \
    sh -c 'PGPASSWORD="$(cat "$POSTGRES_PASSWORD_FILE")" exec pg_dump -h 127.0.0.1 -Fc' >"$partial" 2>"$partial.err"; then
    echo "backup of $ADE_BACKUP_NAME failed: $(cat "$partial.err")" >&2
    rm -f "$partial" "$partial.err"
    exit 1
fi
rm -f "$partial.err"
mv "$partial" "$file"

# Keep the newest $retention dumps of this database.
ls -1t "$ADE_BACKUP_DIR/$ADE_BACKUP_NAME"-*.dump 2>/dev/null | tail -n +"$((retention + 1))" | while read -r old; do rm -f -- "$old"; done
echo "backup: $file"
