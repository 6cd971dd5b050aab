# Settings and messages shared by the image build (toolchain/build-images.sh and
# the scripts it runs). Source it; it defines variables and functions only.
# shellcheck shell=bash disable=SC2034 # the variables are read by the files that source this one

IMAGE_BUILD_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
readonly IMAGE_BUILD_DIR
readonly IMAGES_DIR="$IMAGE_BUILD_DIR/../images"
readonly CACHE_DIR="${ADE_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/ade-platform}"
readonly MIRROR="${ADE_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
readonly SUITE=bookworm
# Bump when the base rootfs recipe changes; the old base is then ignored.
readonly BASE_VERSION=2
readonly BASE_DIR="$CACHE_DIR/rootfs/$SUITE-minbase-$BASE_VERSION"
readonly DEB_CACHE="$CACHE_DIR/debs/$SUITE"
readonly WORK_DIR="$CACHE_DIR/work"
readonly RECIPE_LABEL=org.ade-platform.recipe-sha256
readonly ROOT_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

log() { printf '[build-images] %s\n' "$*" >&2; }
die() { printf '[build-images] ERROR: %s\n' "$*" >&2; exit 1; }

image_exists() { docker image inspect "$1" >/dev/null 2>&1; }

require_engine() {
  command -v docker >/dev/null 2>&1 || die "no docker client; run toolchain/ensure-docker.sh first"
  docker info >/dev/null 2>&1 || die "no Docker engine answers 'docker info'; run toolchain/ensure-docker.sh first"
}
