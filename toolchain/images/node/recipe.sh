# shellcheck shell=bash disable=SC2034 # sourced by toolchain/build-images.sh, which reads these variables
# ade-local/node: the base image for the sample app where node:22-bookworm-slim
# cannot be pulled. Debian's nodejs (v18) and CA certificates; no npm (the
# app's node_modules are copied in from the host). Like the official image: a
# user `node` with uid/gid 1000, the container starts as root unless the app's
# Dockerfile says USER node, and the default command is `node`.
# Bump the tag's suffix whenever anything in this directory changes.
IMAGE_REF=ade-local/node:18-1
IMAGE_STANDS_FOR=(node:22-bookworm-slim)

IMAGE_PACKAGES=(nodejs ca-certificates)

image_prepare() {
  local root="$1"
  in_root "$root" groupadd --gid 1000 node
  in_root "$root" useradd --uid 1000 --gid node --create-home --home-dir /home/node --shell /bin/bash node
}

image_configure() {
  local root="$1"
  install -d -m 755 "$root/app"
  in_root "$root" node -e 'process.exit(process.versions.node.split(".")[0] === "18" ? 0 : 1)'
}

IMAGE_CHANGES=(
  'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
  'WORKDIR /app'
  'CMD ["node"]'
)
