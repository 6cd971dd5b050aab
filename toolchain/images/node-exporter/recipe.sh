# shellcheck shell=bash disable=SC2034 # sourced by toolchain/build-images.sh, which reads these variables
# ade-local/node-exporter: a stand-in for prom/node-exporter, built from
# Debian's prometheus-node-exporter 1.5. Same conventions: runs as nobody
# (65534), entrypoint /bin/node_exporter, /metrics on :9100. To report the
# host rather than the container, mount / at /host read-only and pass
# --path.rootfs=/host, as with the official image.
# Bump the tag's suffix whenever anything in this directory changes.
IMAGE_REF=ade-local/node-exporter:1.5-1
IMAGE_STANDS_FOR=(prom/node-exporter:v1.5.0)

IMAGE_PACKAGES=(prometheus-node-exporter)

image_configure() {
  local root="$1"
  ln -s prometheus-node-exporter "$root/usr/bin/node_exporter"
  rm -rf "$root/etc/default/prometheus-node-exporter" "$root/var/lib/prometheus"
  in_root "$root" node_exporter --version >/dev/null 2>&1
}

IMAGE_CHANGES=(
  'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
  'USER 65534'
  'EXPOSE 9100/tcp'
  'ENTRYPOINT ["/bin/node_exporter"]'
)
