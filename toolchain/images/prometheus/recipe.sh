# shellcheck shell=bash disable=SC2034 # sourced by toolchain/build-images.sh, which reads these variables
# ade-local/prometheus: a stand-in for prom/prometheus, built from Debian's
# prometheus package. Same conventions: runs as nobody (65534), entrypoint
# the prometheus binary, config /etc/prometheus/prometheus.yml, data in
# /prometheus; wget (for the healthcheck) and promtool included.
# Bump the tag's suffix whenever anything in this directory changes.
IMAGE_REF=ade-local/prometheus:2-1
IMAGE_STANDS_FOR=(prom/prometheus:v2.53.2)

IMAGE_PACKAGES=(prometheus wget)

image_configure() {
  local root="$1"
  # The official image's default config: Prometheus scrapes itself.
  install -m 644 "$IMAGE_DIR/prometheus.yml" "$root/etc/prometheus/prometheus.yml"
  install -d -o 65534 -g 65534 -m 755 "$root/prometheus"
  # The Debian package's service state is unused here; keep the image lean.
  rm -rf "$root/var/lib/prometheus"
  # libjs-moment-timezone's raw tz data (~210 MB): the web UI loads only
  # moment-timezone-with-data.min.js.
  grep -q 'moment-timezone-with-data.min.js' "$root/usr/share/prometheus/web/templates/graph.html"
  rm -rf "$root/usr/share/javascript/moment-timezone/data"
}

IMAGE_CHANGES=(
  'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
  'USER 65534'
  'WORKDIR /prometheus'
  'VOLUME ["/prometheus"]'
  'EXPOSE 9090/tcp'
  'ENTRYPOINT ["/usr/bin/prometheus"]'
  'CMD ["--config.file=/etc/prometheus/prometheus.yml", "--storage.tsdb.path=/prometheus"]'
)
