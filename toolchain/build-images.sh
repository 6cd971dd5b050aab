#!/usr/bin/env bash
# Build the local images (ade-local/*) from Debian packages, without a registry,
# and record which public images they stand in for in the machine's mirror map.
#
#   toolchain/build-images.sh                 build every image under toolchain/images/ that is missing
#   toolchain/build-images.sh postgres node   build a subset (short names, or full ade-local refs)
#   toolchain/build-images.sh --list          print the image refs, one a line
#   toolchain/build-images.sh --print-mirrors print the mirror map
#
# Each image is described by toolchain/images/<name>/recipe.sh. Images are cached by tag:
# a tag that already exists is skipped, so a warm machine builds nothing. Tags
# carry a recipe version: bump it in recipe.sh whenever the recipe changes
# (a label records a hash of the recipe directory, and a skipped image whose
# hash differs is reported loudly).
#
# How an image is made (toolchain/image-build/): one debootstrap'ed bookworm
# minbase rootfs is cached under $ADE_CACHE_DIR/rootfs/ and copied per image; the
# recipe adds Debian packages with apt-get in a chroot (downloaded .debs are
# cached too), copies its files in, and the tree is streamed into `docker import`.
#
# Afterwards the mirror map (toolchain/README.md) is written: for each recipe's
# IMAGE_STANDS_FOR, "<public ref>": "<local ref>", for local images the engine has,
# merged with the entries already in the file whose local image still exists.
#
# Environment:
#   ADE_CACHE_DIR      cache directory (default ${XDG_CACHE_HOME:-~/.cache}/ade-platform)
#   ADE_DEBIAN_MIRROR  Debian mirror (default http://deb.debian.org/debian)
#   ADE_IMAGE_MIRRORS  the mirror map (default ${XDG_CONFIG_HOME:-~/.config}/ade-platform/image-mirrors.json)
set -euo pipefail
# shellcheck source=toolchain/image-build/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/image-build/common.sh"
# shellcheck source=toolchain/image-build/recipes.sh
source "$IMAGE_BUILD_DIR/recipes.sh"
# shellcheck source=toolchain/image-build/chroot.sh
source "$IMAGE_BUILD_DIR/chroot.sh"
# shellcheck source=toolchain/image-build/base.sh
source "$IMAGE_BUILD_DIR/base.sh"

readonly MIRROR_FILE="${ADE_IMAGE_MIRRORS:-${XDG_CONFIG_HOME:-$HOME/.config}/ade-platform/image-mirrors.json}"

usage() {
  sed -n '2,9p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

# Runs toolchain/image-build/mirrors.js with any node: the one on PATH, else the toolchain's.
mirrors() {
  local node=node
  if ! command -v node >/dev/null 2>&1; then
    node="$(bash "$IMAGE_BUILD_DIR/../ensure-node.sh")/node" || die "no node to write the mirror map with (toolchain/ensure-node.sh failed)"
  fi
  "$node" "$IMAGE_BUILD_DIR/mirrors.js" "$@"
}

# Merges every recipe's IMAGE_STANDS_FOR into the mirror map, one writer at a time.
write_mirrors() {
  local entries=() name ref public
  for name in $(all_names); do
    ref="$(recipe_ref "$name")"
    while IFS= read -r public; do
      entries+=("$public=$ref")
    done < <(recipe_stands_for "$name")
  done
  mkdir -p "$(dirname "$MIRROR_FILE")"
  (
    flock 8
    mirrors write "$MIRROR_FILE" "${entries[@]}"
  ) 8>"$MIRROR_FILE.lock"
}

build_missing() {
  local names=("$@") total_started=$SECONDS todo=() name ref hash existing started
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

  for name in "${todo[@]}"; do
    ref="$(recipe_ref "$name")"
    hash="$(recipe_hash "$name")"
    if image_exists "$ref"; then
      log "$ref: built meanwhile by another run, skipped"
      continue
    fi
    started=$SECONDS
    log "$ref: building"
    if ! bash "$IMAGE_BUILD_DIR/build-one.sh" "$name" "$ref" "$hash"; then
      die "building $ref (toolchain/images/$name) failed after $((SECONDS - started))s; its rootfs is left in $WORK_DIR/$name for inspection"
    fi
    log "$ref: built in $((SECONDS - started))s ($(docker image inspect -f '{{.Size}}' "$ref" | awk '{printf "%.0f MB", $1/1000000}'))"
  done
  exec 9>&-
  log "done: ${#todo[@]} image(s) built in $((SECONDS - total_started))s"
}

main() {
  local names=() arg name
  for arg in "$@"; do
    case "$arg" in
      -h|--help) usage; exit 0 ;;
      --list) for name in $(all_names); do recipe_ref "$name"; done; exit 0 ;;
      --print-mirrors) mirrors print "$MIRROR_FILE"; exit 0 ;;
      -*) die "unknown option '$arg'; see --help" ;;
      *) names+=("$(resolve_name "$arg")") ;;
    esac
  done
  if [ "${#names[@]}" -eq 0 ]; then
    mapfile -t names < <(all_names)
  fi
  [ "${#names[@]}" -gt 0 ] || die "no toolchain/images/*/recipe.sh found under $IMAGES_DIR"
  require_engine
  build_missing "${names[@]}"
  write_mirrors
}

main "$@"
