# shellcheck shell=bash disable=SC2034 # sourced by toolchain/build-images.sh, which reads these variables
# ade-local/haproxy: a stand-in for haproxy:2.6, built from Debian's haproxy
# 2.6 (its Prometheus exporter service is compiled in: `haproxy -vv` lists
# prometheus-exporter). Same conventions as the official image: user haproxy
# 99:99, config /usr/local/etc/haproxy/haproxy.cfg (none is shipped: mount
# yours), docker-entrypoint.sh adding -W -db, WORKDIR /var/lib/haproxy. The
# config must listen on unprivileged ports. `docker import` cannot set the
# official STOPSIGNAL SIGUSR1 (a graceful stop): pass --stop-signal SIGUSR1.
# Bump the tag's suffix whenever anything in this directory changes.
IMAGE_REF=ade-local/haproxy:2.6-1
IMAGE_STANDS_FOR=(haproxy:2.6.12)

IMAGE_PACKAGES=(haproxy)

image_configure() {
  local root="$1"
  # The official image's ids. The package's postinst adds a system user and
  # refuses one made beforehand with uid 99 (below adduser's system range).
  in_root "$root" groupmod --gid 99 haproxy
  in_root "$root" usermod --uid 99 --gid 99 haproxy
  install -m 755 "$IMAGE_DIR/docker-entrypoint.sh" "$root/usr/local/bin/docker-entrypoint.sh"
  install -d -m 755 "$root/usr/local/etc/haproxy"
  install -d -o 99 -g 99 -m 755 "$root/var/lib/haproxy"
  # Debian's service files (config for a chrooted daemon, rsyslog, logrotate) are unused here.
  rm -rf "$root/etc/haproxy" "$root/etc/default/haproxy" "$root/etc/rsyslog.d" "$root/etc/logrotate.d/haproxy"
  local build_options
  build_options="$(in_root "$root" haproxy -vv)"
  grep -q 'prometheus-exporter' <<<"$build_options"
}

IMAGE_CHANGES=(
  'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
  'USER haproxy'
  'WORKDIR /var/lib/haproxy'
  'ENTRYPOINT ["docker-entrypoint.sh"]'
  'CMD ["haproxy", "-f", "/usr/local/etc/haproxy/haproxy.cfg"]'
)
