#!/usr/bin/env bash
# Make sure a Docker engine answers `docker info`.
#
# An engine that already answers is used as it is and nothing is changed.
# Otherwise, on Debian as root, Debian's docker.io (Docker 20.10) is installed
# and dockerd is started in the background; /run/ade-dockerd.pid records that
# this script started it, so toolchain/stop-docker.sh stops only an engine we own.
#
# Environment:
#   ADE_DOCKERD_LOG            dockerd's log file (default /var/log/ade-dockerd.log)
#   ADE_DOCKER_WAIT_SECONDS    how long to wait for the engine (default 60)
set -euo pipefail

readonly PID_FILE=/run/ade-dockerd.pid
readonly LOG_FILE="${ADE_DOCKERD_LOG:-/var/log/ade-dockerd.log}"
readonly WAIT_SECONDS="${ADE_DOCKER_WAIT_SECONDS:-60}"

log() { printf '[ensure-docker] %s\n' "$*" >&2; }
die() { printf '[ensure-docker] ERROR: %s\n' "$*" >&2; exit 1; }

engine_answers() { docker info >/dev/null 2>&1; }

# The docker client on PATH may be newer than the engine (a 28.x client in
# /usr/local/bin in front of Debian's 20.10 engine). It negotiates the API
# version down; say so loudly when it cannot, because every later step uses it.
report_engine() {
  local server client
  server="$(docker version --format '{{.Server.Version}} (API {{.Server.APIVersion}})' 2>/dev/null || echo unknown)"
  client="$(docker version --format '{{.Client.Version}}' 2>/dev/null || echo unknown)"
  log "engine ready: server ${server}, client $(command -v docker) ${client}"
}

if command -v docker >/dev/null 2>&1 && engine_answers; then
  report_engine
  exit 0
fi

is_debian() { [ -r /etc/debian_version ] && command -v apt-get >/dev/null 2>&1; }

if ! is_debian || [ "$(id -u)" -ne 0 ]; then
  if ! command -v docker >/dev/null 2>&1; then
    why="there is no docker client on PATH"
  else
    why="'docker info' says: $(docker info 2>&1 >/dev/null | grep -v '^\s*$' | tail -n 1 || true)"
  fi
  die "no usable Docker engine ($why), and this script can only install one on Debian as root.
  If the engine runs but your user may not use its socket, add yourself to the docker group (then log in again).
  Install and start Docker yourself (Debian/Ubuntu: 'sudo apt-get install docker.io && sudo systemctl start docker';
  elsewhere: Docker Engine or Docker Desktop), make sure 'docker info' works for this user, then run this again."
fi

# A marker whose process is gone (machine rebooted, dockerd crashed) is stale.
if [ -f "$PID_FILE" ]; then
  old_pid="$(cat "$PID_FILE" 2>/dev/null || true)"
  if [ -n "$old_pid" ] && kill -0 "$old_pid" 2>/dev/null; then
    log "dockerd we started earlier (pid $old_pid) is running but does not answer yet; waiting for it"
  else
    log "removing stale marker $PID_FILE (pid ${old_pid:-none} is gone)"
    rm -f "$PID_FILE"
  fi
fi

export DEBIAN_FRONTEND=noninteractive

apt_install() {
  # Try the package lists we have first: apt-get update is slow, and on this
  # kind of machine some configured sources are unreachable.
  if apt-get install -y -q --no-install-recommends "$@" >/tmp/ade-apt-install.log 2>&1; then
    return 0
  fi
  log "apt-get install $* failed with the current package lists; running apt-get update and retrying"
  apt-get update -q >/tmp/ade-apt-update.log 2>&1 || {
    tail -n 20 /tmp/ade-apt-update.log >&2
    log "apt-get update reported errors (unreachable extra sources are tolerated); retrying the install"
  }
  apt-get install -y -q --no-install-recommends "$@" >/tmp/ade-apt-install.log 2>&1 || {
    tail -n 30 /tmp/ade-apt-install.log >&2
    die "apt-get install $* failed (log above, full log /tmp/ade-apt-install.log)"
  }
}

if ! command -v dockerd >/dev/null 2>&1; then
  log "installing Debian's docker.io (non-interactive)"
  # iptables, containerd, runc and tini are hard dependencies of docker.io and
  # come along even without recommends.
  apt_install docker.io
fi

if [ ! -f "$PID_FILE" ]; then
  mkdir -p "$(dirname "$LOG_FILE")"
  log "starting dockerd in the background (log: $LOG_FILE)"
  # setsid: dockerd must outlive the shell (and process group) that ran us.
  setsid dockerd >>"$LOG_FILE" 2>&1 </dev/null &
  echo $! >"$PID_FILE"
fi
pid="$(cat "$PID_FILE")"

deadline=$((SECONDS + WAIT_SECONDS))
until engine_answers; do
  if ! kill -0 "$pid" 2>/dev/null; then
    rm -f "$PID_FILE"
    tail -n 40 "$LOG_FILE" >&2 || true
    die "dockerd (pid $pid) exited during start-up; last lines of $LOG_FILE above"
  fi
  if [ "$SECONDS" -ge "$deadline" ]; then
    tail -n 40 "$LOG_FILE" >&2 || true
    die "dockerd (pid $pid) did not answer 'docker info' within ${WAIT_SECONDS}s; last lines of $LOG_FILE above (stop it with toolchain/stop-docker.sh)"
  fi
  sleep 1
done

report_engine
