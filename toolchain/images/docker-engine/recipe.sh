# shellcheck shell=bash disable=SC2034 # sourced by toolchain/build-images.sh, which reads these variables
# ade-local/docker-engine: a second Docker engine in a container, for tests
# that need a real second Swarm node; it stands in for no public image.
# Debian's docker.io (dockerd 20.10, containerd, runc), iptables and socat (to
# forward a port of its loopback, such as a registry's, to another host); the
# entrypoint makes /sys and the cgroup mounts writable and / rshared, then
# runs dockerd with its arguments. --privileged fails on these machines
# (toolchain/README.md); run it with:
#   --cap-add ALL --cap-drop SYS_RESOURCE --security-opt seccomp=unconfined
#   --security-opt apparmor=unconfined --security-opt systempaths=unconfined
#   --device-cgroup-rule 'a *:* rwm' -v <volume>:/var/lib/docker
# Bump the tag's suffix whenever anything in this directory changes.
IMAGE_REF=ade-local/docker-engine:20.10-2
IMAGE_STANDS_FOR=()

IMAGE_PACKAGES=(docker.io iptables socat)

image_configure() {
  local root="$1"
  install -m 755 "$IMAGE_DIR/entrypoint.sh" "$root/usr/local/bin/dockerd-entrypoint.sh"
  # Debian's service files are unused: the entrypoint starts dockerd. So are
  # libnetwork's test tools and containerd's own CLI (about 50 MB).
  rm -rf "$root/etc/default/docker" "$root/etc/init.d/docker" "$root/var/lib/docker"/* \
    "$root/usr/bin/dnet" "$root/usr/sbin/ovrouter" "$root/usr/bin/ctr"
  in_root "$root" dockerd --version >/dev/null
}

IMAGE_CHANGES=(
  'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
  'VOLUME ["/var/lib/docker"]'
  'EXPOSE 2375/tcp 2377/tcp 7946/tcp 7946/udp 4789/udp'
  'ENTRYPOINT ["/usr/local/bin/dockerd-entrypoint.sh"]'
)
