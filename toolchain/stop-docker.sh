#!/usr/bin/env bash
# Stop dockerd, but only if toolchain/ensure-docker.sh started it (its marker
# /run/ade-dockerd.pid names the process). An engine someone else runs is left alone.
set -euo pipefail

readonly PID_FILE=/run/ade-dockerd.pid
readonly WAIT_SECONDS="${ADE_DOCKER_STOP_WAIT_SECONDS:-30}"

log() { printf '[stop-docker] %s\n' "$*" >&2; }
die() { printf '[stop-docker] ERROR: %s\n' "$*" >&2; exit 1; }

if [ ! -f "$PID_FILE" ]; then
  log "no marker $PID_FILE: dockerd was not started by ensure-docker.sh; leaving the engine alone"
  exit 0
fi

pid="$(cat "$PID_FILE")"
if ! [[ "$pid" =~ ^[0-9]+$ ]]; then
  die "marker $PID_FILE holds '$pid', not a process id; inspect it and remove it by hand"
fi

if ! kill -0 "$pid" 2>/dev/null; then
  log "dockerd (pid $pid) is already gone; removing the stale marker"
  rm -f "$PID_FILE"
  exit 0
fi

# The pid may have been reused after a crash; never signal a stranger.
comm="$(cat "/proc/$pid/comm" 2>/dev/null || true)"
if [ "$comm" != "dockerd" ]; then
  log "pid $pid is '$comm', not dockerd; removing the stale marker"
  rm -f "$PID_FILE"
  exit 0
fi

log "stopping dockerd (pid $pid)"
kill -TERM "$pid"
deadline=$((SECONDS + WAIT_SECONDS))
while kill -0 "$pid" 2>/dev/null; do
  if [ "$SECONDS" -ge "$deadline" ]; then
    die "dockerd (pid $pid) still runs ${WAIT_SECONDS}s after SIGTERM; see ${ADE_DOCKERD_LOG:-/var/log/ade-dockerd.log}"
  fi
  sleep 1
done
rm -f "$PID_FILE"
log "dockerd stopped"
