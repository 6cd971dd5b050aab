# The host tools and the shared base rootfs every image starts from. Source it
# after common.sh and chroot.sh.
# shellcheck shell=bash

ensure_host_tools() {
  [ "$(id -u)" -eq 0 ] || die "building images needs root (debootstrap, chroot, mount); run as root, or build on a machine where you are root"
  require_engine
  if ! command -v debootstrap >/dev/null 2>&1; then
    command -v apt-get >/dev/null 2>&1 || die "debootstrap is missing and this is not a Debian host; install debootstrap"
    log "installing debootstrap"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends debootstrap >/tmp/ade-debootstrap-install.log 2>&1 || {
      DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null 2>&1 || true
      DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends debootstrap >/tmp/ade-debootstrap-install.log 2>&1
    } || { tail -n 20 /tmp/ade-debootstrap-install.log >&2; die "could not install debootstrap"; }
  fi
}

# One debootstrap'ed bookworm minbase, upgraded and set up to keep images small,
# cached in $BASE_DIR and copied for each image.
ensure_base() {
  if [ -f "$BASE_DIR/.ade-base-complete" ]; then
    return 0
  fi
  local started=$SECONDS tmp="$BASE_DIR.tmp"
  log "bootstrapping the shared $SUITE minbase rootfs into $BASE_DIR"
  rm -rf --one-file-system "$tmp"
  mkdir -p "$(dirname "$BASE_DIR")"
  mkdir -p "$DEB_CACHE"
  if ! debootstrap --variant=minbase --cache-dir="$DEB_CACHE" "$SUITE" "$tmp" "$MIRROR" >"$CACHE_DIR/debootstrap.log" 2>&1; then
    tail -n 30 "$CACHE_DIR/debootstrap.log" >&2
    die "debootstrap of the base rootfs failed (full log $CACHE_DIR/debootstrap.log)"
  fi
  cat >"$tmp/etc/apt/sources.list" <<SOURCES
deb $MIRROR $SUITE main
deb $MIRROR $SUITE-updates main
deb http://deb.debian.org/debian-security $SUITE-security main
SOURCES
  # Keep later package installs small: no docs, man pages or translations.
  cat >"$tmp/etc/dpkg/dpkg.cfg.d/ade-slim" <<'SLIM'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias
path-exclude /usr/share/lintian/*
SLIM
  printf 'APT::Install-Recommends "false";\nAPT::Install-Suggests "false";\n' >"$tmp/etc/apt/apt.conf.d/90ade-no-recommends"
  # The .deb cache is bind-mounted and shared between images; never let apt empty it.
  printf 'APT::Keep-Downloaded-Packages "true";\nBinary::apt::APT::Keep-Downloaded-Packages "true";\n' >"$tmp/etc/apt/apt.conf.d/90ade-keep-debs"
  mount_root "$tmp"
  local ok=1
  { in_root "$tmp" apt-get update -q && in_root "$tmp" apt-get -y -q upgrade; } >"$CACHE_DIR/base-upgrade.log" 2>&1 || ok=0
  unmount_root "$tmp"
  if [ "$ok" -ne 1 ]; then
    tail -n 30 "$CACHE_DIR/base-upgrade.log" >&2
    die "updating the base rootfs failed (full log $CACHE_DIR/base-upgrade.log)"
  fi
  # debootstrap leaves its .debs behind: keep them in the shared cache instead.
  find "$tmp/var/cache/apt/archives" -maxdepth 1 -name '*.deb' -exec mv -n -t "$DEB_CACHE" {} +
  find "$tmp/var/cache/apt/archives" -maxdepth 1 -name '*.deb' -delete
  rm -rf "$tmp"/var/cache/apt/*.bin
  touch "$tmp/.ade-base-complete"
  rm -rf --one-file-system "$BASE_DIR"
  mv "$tmp" "$BASE_DIR"
  local old
  for old in "$(dirname "$BASE_DIR")/$SUITE"-minbase-*; do
    if [ "$old" != "$BASE_DIR" ] && [ -d "$old" ]; then
      log "removing the outdated base rootfs $old"
      rm -rf --one-file-system "$old"
    fi
  done
  log "base rootfs ready in $((SECONDS - started))s"
}
