# shellcheck shell=bash disable=SC2034 # sourced by toolchain/build-images.sh, which reads these variables
# ade-local/grafana-standin: NOT Grafana. No reachable registry serves
# Grafana, so this image runs a small Python server (server.py and its package
# standin/) that reads Grafana's env vars and provisioning files and serves the
# part of Grafana's API the platform checks. See README.md. Runs as Grafana's
# uid 472.
# Bump the tag whenever anything in this directory changes.
IMAGE_REF=ade-local/grafana-standin:3
IMAGE_STANDS_FOR=(grafana/grafana:11.2.2)

IMAGE_PACKAGES=(python3 python3-yaml wget)

image_prepare() {
  local root="$1"
  # The official Grafana image runs as uid 472 with gid 0; a named group keeps
  # the ids readable here, and files owned by 472 behave the same.
  in_root "$root" groupadd -r --gid 472 grafana
  in_root "$root" useradd -r --uid 472 --gid grafana --no-create-home --home-dir /usr/share/grafana --shell /usr/sbin/nologin grafana
}

image_configure() {
  local root="$1"
  install -d -m 755 "$root/usr/share/grafana"
  install -m 644 "$IMAGE_DIR/server.py" "$root/usr/share/grafana/standin-server.py"
  # The entry point imports its package from its own directory.
  install -d -m 755 "$root/usr/share/grafana/standin"
  install -m 644 "$IMAGE_DIR"/standin/*.py "$root/usr/share/grafana/standin/"
  install -m 644 "$IMAGE_DIR/README.md" "$root/usr/share/grafana/README-standin.md"
  install -d -m 755 "$root/etc/grafana/provisioning/datasources" "$root/etc/grafana/provisioning/dashboards"
  install -d -o 472 -g 472 -m 755 "$root/var/lib/grafana"
  # Every module compiles and imports (-B: no bytecode in the image), and the entry point compiles.
  in_root "$root" python3 -B -c 'import sys; sys.path.insert(0, "/usr/share/grafana"); import standin.api, standin.logs, standin.provisioning; compile(open("/usr/share/grafana/standin-server.py").read(), "server.py", "exec")'
}

IMAGE_CHANGES=(
  'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin GF_PATHS_PROVISIONING=/etc/grafana/provisioning GF_PATHS_DATA=/var/lib/grafana PYTHONDONTWRITEBYTECODE=1'
  'USER 472'
  'WORKDIR /usr/share/grafana'
  'EXPOSE 3000/tcp'
  'LABEL org.ade-platform.standin=grafana'
  'ENTRYPOINT ["/usr/bin/python3", "/usr/share/grafana/standin-server.py"]'
)
