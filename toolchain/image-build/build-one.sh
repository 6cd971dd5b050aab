#!/usr/bin/env bash
# Builds one image from its recipe into the engine; run by toolchain/build-images.sh
# (which holds the build lock and has made the base rootfs) as
#
#   build-one.sh NAME REF RECIPE_HASH
#
# A process of its own: errexit must stay in force for the recipe's steps, and
# bash ignores it in functions called from an `if`.
set -euo pipefail
# shellcheck source=toolchain/image-build/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
# shellcheck source=toolchain/image-build/chroot.sh
source "$IMAGE_BUILD_DIR/chroot.sh"

# Not readonly, and named apart from the recipes' own locals (root, name).
image_name="$1" image_ref="$2" image_hash="$3"
build_root="$WORK_DIR/$image_name"
# Read by the recipe.
# shellcheck disable=SC2034
IMAGE_DIR="$IMAGES_DIR/$image_name"
IMAGE_PACKAGES=()
IMAGE_CHANGES=()
# shellcheck source=/dev/null
source "$IMAGE_DIR/recipe.sh"

trap 'unmount_root "$build_root" 2>/dev/null || true' EXIT

rm -rf --one-file-system "$build_root"
mkdir -p "$WORK_DIR"
cp -a "$BASE_DIR" "$build_root"
rm -f "$build_root/.ade-base-complete"
mount_root "$build_root"

if declare -F image_prepare >/dev/null; then image_prepare "$build_root"; fi
if [ "${#IMAGE_PACKAGES[@]}" -gt 0 ]; then
  log "  installing: ${IMAGE_PACKAGES[*]}"
  apt_in_root "$build_root" "${IMAGE_PACKAGES[@]}"
fi
if declare -F image_configure >/dev/null; then image_configure "$build_root"; fi

unmount_root "$build_root"
slim_root "$build_root"

changes=()
for change in "${IMAGE_CHANGES[@]}"; do changes+=(-c "$change"); done
changes+=(-c "LABEL $RECIPE_LABEL=$image_hash")
log "  importing into docker as $image_ref"
tar --numeric-owner --xattrs -C "$build_root" \
  --exclude='./proc/*' --exclude='./sys/*' --exclude='./dev/*' -c . |
  docker import "${changes[@]}" - "$image_ref" >/dev/null
trap - EXIT
rm -rf --one-file-system "$build_root"
