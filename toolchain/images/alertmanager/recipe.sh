# shellcheck shell=bash disable=SC2034 # sourced by toolchain/build-images.sh, which reads these variables
# ade-local/alertmanager: a stand-in for prom/alertmanager, built from
# Debian's prometheus-alertmanager 0.25 with amtool. Same conventions: runs as
# nobody (65534), entrypoint /bin/alertmanager, config
# /etc/alertmanager/alertmanager.yml (a minimal default; mount yours), data in
# /alertmanager (a VOLUME), API and /-/healthy on :9093. Debian's build serves
# no web UI.
# Bump the tag's suffix whenever anything in this directory changes.
IMAGE_REF=ade-local/alertmanager:0.25-1
IMAGE_STANDS_FOR=(prom/alertmanager:v0.25.0)

IMAGE_PACKAGES=(prometheus-alertmanager)

image_configure() {
  local root="$1"
  ln -s prometheus-alertmanager "$root/usr/bin/alertmanager"
  install -d -m 755 "$root/etc/alertmanager"
  install -m 644 "$IMAGE_DIR/alertmanager.yml" "$root/etc/alertmanager/alertmanager.yml"
  install -d -o 65534 -g 65534 -m 755 "$root/alertmanager"
  # Debian's service config and state are unused here.
  rm -rf "$root/etc/prometheus" "$root/etc/default/prometheus-alertmanager" "$root/var/lib/prometheus"
  in_root "$root" amtool check-config /etc/alertmanager/alertmanager.yml >/dev/null
}

IMAGE_CHANGES=(
  'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
  'USER 65534'
  'WORKDIR /alertmanager'
  'VOLUME ["/alertmanager"]'
  'EXPOSE 9093/tcp'
  'ENTRYPOINT ["/bin/alertmanager"]'
  'CMD ["--config.file=/etc/alertmanager/alertmanager.yml", "--storage.path=/alertmanager"]'
)
