#!/bin/sh
# Entrypoint of ade-local/docker-engine: prepares what dockerd needs from a
# container that is not --privileged, then runs `dockerd "$@"` as pid 1.
set -eu

# Docker mounts /sys and the cgroup hierarchies read-only in containers;
# dockerd writes cgroups for the containers it starts. The cgroup mounts are
# bind mounts of the container's own part of the host's hierarchies: only
# their per-mount flag can change (a plain remount is refused as busy).
mount -o remount,rw /sys
awk '$3 == "cgroup" || $3 == "cgroup2" { print $2 }' /proc/self/mounts | while read -r mountpoint; do
  mount -o remount,bind,rw "$mountpoint"
done
# Mounts made inside containers of this engine (volumes, overlay layers) must
# propagate to where dockerd sees them.
mount --make-rshared /

exec dockerd "$@"
