#!/usr/bin/env bash
# Build the local images (ade-local/*) from Debian packages, without a registry.
#
#   toolchain/build-images.sh                 build every image under toolchain/images/ that is missing
#   toolchain/build-images.sh postgres node   build a subset (short names, or full ade-local refs)
#   toolchain/build-images.sh --list          print the image refs, one a line
#
# Each image is described by toolchain/images/<name>/recipe.sh. Images are cached by tag:
# a tag that already exists is skipped, so a warm machine builds nothing. Tags
# carry a recipe version: bump it in recipe.sh whenever the recipe changes
# (a label records a hash of the recipe directory, and a skipped image whose
# hash differs is reported loudly).
#
# How an image is made: one debootstrap'ed bookworm minbase rootfs is cached
# under $ADE_CACHE_DIR/rootfs/ and copied per image; the recipe adds Debian
# packages with apt-get in a chroot (downloaded .debs are cached too), copies
# its files in, and the tree is streamed into `docker import`.
#
# Environment:
#   ADE_CACHE_DIR     cache directory (default ~/.cache/ade-platform)
#   ADE_DEBIAN_MIRROR Debian mirror (default http://deb.debian.org/debian)
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly REPO_ROOT
readonly IMAGES_DIR="$REPO_ROOT/toolchain/images"
readonly CACHE_DIR="${ADE_CACHE_DIR:-$HOME/.cache/ade-platform}"
readonly MIRROR="${ADE_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
readonly SUITE=bookworm
# Bump when the base rootfs recipe below changes; the old base is then ignored.
readonly BASE_VERSION=2
readonly BASE_DIR="$CACHE_DIR/rootfs/$SUITE-minbase-$BASE_VERSION"
readonly DEB_CACHE="$CACHE_DIR/debs/$SUITE"
readonly WORK_DIR="$CACHE_DIR/work"
readonly RECIPE_LABEL=org.ade-platform.recipe-sha256
readonly ROOT_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

log() { printf '[build-images] %s\n' "$*" >&2; }
die() { printf '[build-images] ERROR: %s\n' "$*" >&2; exit 1; }

usage() {
  sed -n '2,8p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

all_names() {
  local recipe
  for recipe in "$IMAGES_DIR"/*/recipe.sh; do
    [ -f "$recipe" ] && basename "$(dirname "$recipe")"
  done
}

# Prints the IMAGE_REF a recipe declares, without running any of its steps.
recipe_ref() {
  (
    # shellcheck source=/dev/null
    source "$IMAGES_DIR/$1/recipe.sh"
    [ -n "${IMAGE_REF:-}" ] || die "toolchain/images/$1/recipe.sh does not set IMAGE_REF"
    printf '%s\n' "$IMAGE_REF"
  )
}

# Accepts "postgres", "ade-local/postgres" or "ade-local/postgres:15-1".
resolve_name() {
  local arg="$1" name
  name="${arg#ade-local/}"
  name="${name%%:*}"
  if [ ! -f "$IMAGES_DIR/$name/recipe.sh" ]; then
    die "unknown image '$arg'; known images: $(all_names | tr '\n' ' ')"
  fi
  if [[ "$arg" == *:* ]] && [ "$arg" != "$(recipe_ref "$name")" ]; then
    die "image '$arg' is not the current recipe's tag ($(recipe_ref "$name")); pass the short name '$name'"
  fi
  printf '%s\n' "$name"
}

recipe_hash() {
  (cd "$IMAGES_DIR/$1" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16)
}

image_exists() { docker image inspect "$1" >/dev/null 2>&1; }

# ---------------------------------------------------------------- host set-up

ensure_host_tools() {
  [ "$(id -u)" -eq 0 ] || die "building images needs root (debootstrap, chroot, mount); run as root, or build on a machine where you are root"
  command -v docker >/dev/null 2>&1 || die "no docker client; run toolchain/ensure-docker.sh first"
  docker info >/dev/null 2>&1 || die "no Docker engine answers 'docker info'; run toolchain/ensure-docker.sh first"
  if ! command -v debootstrap >/dev/null 2>&1; then
    command -v apt-get >/dev/null 2>&1 || die "debootstrap is missing and this is not a Debian host; install debootstrap"
    log "installing debootstrap"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends debootstrap >/tmp/ade-debootstrap-install.log 2>&1 || {
      DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null 2>&1 || true
      DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends debootstrap >/tmp/ade-debootstrap-install.log 2>&1
    } || { tail -n 20 /tmp/ade-debootstrap-install.log >&2; die "could not install debootstrap"; }
  fi
}

# --------------------------------------------------------- chroot primitives

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

# ---------------------------------------------------------------- base rootfs

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
  cat >"$tmp/etc/apt/sources.list" <<EOF
deb $MIRROR $SUITE main
deb $MIRROR $SUITE-updates main
deb http://deb.debian.org/debian-security $SUITE-security main
EOF
  # Keep later package installs small: no docs, man pages or translations.
  cat >"$tmp/etc/dpkg/dpkg.cfg.d/ade-slim" <<'EOF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias
path-exclude /usr/share/lintian/*
EOF
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

# -------------------------------------------------------------- one image

# Runs in its own process (see main): errexit must stay in force for the
# recipe's steps, and bash ignores it in functions called from an `if`.
build_one() {
  local name="$1" ref="$2" hash="$3"
  local root="$WORK_DIR/$name"
  IMAGE_DIR="$IMAGES_DIR/$name"
  IMAGE_PACKAGES=()
  IMAGE_CHANGES=()
  # shellcheck source=/dev/null
  source "$IMAGE_DIR/recipe.sh"

  cleanup() {
    unmount_root "$root" 2>/dev/null || true
  }
  trap cleanup EXIT

  rm -rf --one-file-system "$root"
  mkdir -p "$WORK_DIR"
  cp -a "$BASE_DIR" "$root"
  rm -f "$root/.ade-base-complete"
  mount_root "$root"

  if declare -F image_prepare >/dev/null; then image_prepare "$root"; fi
  if [ "${#IMAGE_PACKAGES[@]}" -gt 0 ]; then
    log "  installing: ${IMAGE_PACKAGES[*]}"
    apt_in_root "$root" "${IMAGE_PACKAGES[@]}"
  fi
  if declare -F image_configure >/dev/null; then image_configure "$root"; fi

  unmount_root "$root"
  slim_root "$root"

  local changes=() change
  for change in "${IMAGE_CHANGES[@]}"; do changes+=(-c "$change"); done
  changes+=(-c "LABEL $RECIPE_LABEL=$hash")
  log "  importing into docker as $ref"
  tar --numeric-owner --xattrs -C "$root" \
    --exclude='./proc/*' --exclude='./sys/*' --exclude='./dev/*' -c . |
    docker import "${changes[@]}" - "$ref" >/dev/null
  trap - EXIT
  rm -rf --one-file-system "$root"
}

# ---------------------------------------------------------------------- main

main() {
  if [ "${1:-}" = __build-one ]; then
    shift
    build_one "$@"
    return
  fi
  local names=() arg name
  for arg in "$@"; do
    case "$arg" in
      -h|--help) usage; exit 0 ;;
      --list) for name in $(all_names); do recipe_ref "$name"; done; exit 0 ;;
      -*) die "unknown option '$arg'; see --help" ;;
      *) names+=("$(resolve_name "$arg")") ;;
    esac
  done
  if [ "${#names[@]}" -eq 0 ]; then
    mapfile -t names < <(all_names)
  fi
  [ "${#names[@]}" -gt 0 ] || die "no toolchain/images/*/recipe.sh found under $IMAGES_DIR"
  command -v docker >/dev/null 2>&1 || die "no docker client; run toolchain/ensure-docker.sh first"
  docker info >/dev/null 2>&1 || die "no Docker engine answers 'docker info'; run toolchain/ensure-docker.sh first"

  local total_started=$SECONDS todo=() ref hash existing
  for name in "${names[@]}"; do
    ref="$(recipe_ref "$name")"
    hash="$(recipe_hash "$name")"
    if image_exists "$ref"; then
      existing="$(docker image inspect -f "{{index .Config.Labels \"$RECIPE_LABEL\"}}" "$ref" 2>/dev/null || true)"
      if [ "$existing" != "$hash" ]; then
        log "WARNING: $ref exists but was built from a different toolchain/images/$name/ (recipe hash $existing, now $hash): bump the tag in toolchain/images/$name/recipe.sh to rebuild it"
      fi
      log "$ref: present, skipped"
    else
      todo+=("$name")
    fi
  done

  if [ "${#todo[@]}" -eq 0 ]; then
    log "all ${#names[@]} image(s) present; nothing to build ($((SECONDS - total_started))s)"
    return 0
  fi

  ensure_host_tools
  mkdir -p "$CACHE_DIR"
  # Two builds at once would share the work and base directories.
  exec 9>"$CACHE_DIR/build-images.lock"
  flock 9
  ensure_base

  local started
  for name in "${todo[@]}"; do
    ref="$(recipe_ref "$name")"
    hash="$(recipe_hash "$name")"
    if image_exists "$ref"; then
      log "$ref: built meanwhile by another run, skipped"
      continue
    fi
    started=$SECONDS
    log "$ref: building"
    if ! bash "${BASH_SOURCE[0]}" __build-one "$name" "$ref" "$hash"; then
      die "building $ref (toolchain/images/$name) failed after $((SECONDS - started))s; its rootfs is left in $WORK_DIR/$name for inspection"
    fi
    log "$ref: built in $((SECONDS - started))s ($(docker image inspect -f '{{.Size}}' "$ref" | awk '{printf "%.0f MB", $1/1000000}'))"
  done
  log "done: ${#todo[@]} image(s) built in $((SECONDS - total_started))s"
}

main "$@"
