# Primitives for working inside a Debian rootfs with chroot; recipes call
# in_root and apt_in_root. Source it after common.sh.
# shellcheck shell=bash

# Runs a command inside a rootfs with a clean environment.
in_root() {
  local root="$1"; shift
  chroot "$root" /usr/bin/env -i PATH="$ROOT_PATH" HOME=/root LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"
}

# Mounts what apt and maintainer scripts need; undone by unmount_root.
mount_root() {
  local root="$1"
  mkdir -p "$DEB_CACHE/partial"
  mount -t proc proc "$root/proc"
  mount --bind "$DEB_CACHE" "$root/var/cache/apt/archives"
  cp /etc/resolv.conf "$root/etc/resolv.conf"
  # No init system runs in a chroot: keep maintainer scripts from starting services.
  printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
  chmod 755 "$root/usr/sbin/policy-rc.d"
}

unmount_root() {
  local root="$1"
  if mountpoint -q "$root/var/cache/apt/archives"; then umount "$root/var/cache/apt/archives"; fi
  if mountpoint -q "$root/proc"; then umount "$root/proc"; fi
  rm -f "$root/usr/sbin/policy-rc.d"
}

# apt-get install inside the rootfs; on failure the package lists may be
# stale (a .deb that is gone from the mirror), so refresh them once and retry.
apt_in_root() {
  local root="$1"; shift
  local log_file="$root/tmp/apt-install.log"
  if in_root "$root" apt-get install -y -q --no-install-recommends "$@" >"$log_file" 2>&1; then
    return 0
  fi
  log "  apt-get install failed; refreshing package lists and retrying"
  in_root "$root" apt-get update -q >>"$log_file" 2>&1 || true
  if ! in_root "$root" apt-get install -y -q --no-install-recommends "$@" >>"$log_file" 2>&1; then
    tail -n 30 "$log_file" >&2
    return 1
  fi
}

# Removes what an image does not need at run time.
slim_root() {
  local root="$1"
  rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin "$root"/var/cache/apt/archives/*.deb \
    "$root"/var/cache/debconf/*-old "$root"/var/lib/dpkg/*-old \
    "$root"/var/log/apt/* "$root"/var/log/dpkg.log "$root"/var/log/alternatives.log \
    "$root"/tmp/* "$root"/var/tmp/* "$root"/root/.cache
  find "$root/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete 2>/dev/null || true
  find "$root/usr/share/doc" -mindepth 1 -type d -empty -delete 2>/dev/null || true
  rm -rf "$root"/usr/share/man/* "$root"/usr/share/info/* "$root"/usr/share/lintian
  find "$root/usr/share/locale" -mindepth 1 -maxdepth 1 -type d -exec rm -rf {} + 2>/dev/null || true
  # docker mounts its own /etc/resolv.conf and /etc/hostname.
  : >"$root/etc/resolv.conf"
}
