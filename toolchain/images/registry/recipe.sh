# shellcheck shell=bash disable=SC2034 # sourced by toolchain/build-images.sh, which reads these variables
# ade-local/registry: a stand-in for registry:2 (Docker's distribution
# registry), built from Debian's docker-registry 2.8.2. Same conventions: the
# API on :5000, config /etc/docker/registry/config.yml (REGISTRY_* variables
# override it), blobs under /var/lib/registry (a VOLUME, meant for a named
# volume), `registry serve <config>` as the command. Unlike the official image
# it runs as a non-root user, Debian's `docker-registry`, 1000:1000.
# Bump the tag's suffix whenever anything in this directory changes.
IMAGE_REF=ade-local/registry:2.8-1
IMAGE_STANDS_FOR=(registry:2.8.2)

IMAGE_PACKAGES=(docker-registry)

image_prepare() {
  local root="$1"
  # Created before the package, whose postinst then adopts it instead of
  # adding a system user with whatever id is free.
  in_root "$root" groupadd --gid 1000 docker-registry
  in_root "$root" useradd --uid 1000 --gid docker-registry --no-create-home --home-dir /var/lib/registry --shell /usr/sbin/nologin docker-registry
}

image_configure() {
  local root="$1"
  install -m 644 "$IMAGE_DIR/config.yml" "$root/etc/docker/registry/config.yml"
  install -m 755 "$IMAGE_DIR/entrypoint.sh" "$root/usr/local/bin/registry-entrypoint.sh"
  ln -s /usr/bin/docker-registry "$root/usr/local/bin/registry"
  install -d -o 1000 -g 1000 -m 755 "$root/var/lib/registry"
  # The package's service home is unused here.
  rm -rf "$root/var/lib/docker-registry"
  in_root "$root" registry --version >/dev/null
}

IMAGE_CHANGES=(
  'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
  'USER 1000'
  'WORKDIR /var/lib/registry'
  'VOLUME ["/var/lib/registry"]'
  'EXPOSE 5000/tcp'
  'ENTRYPOINT ["/usr/local/bin/registry-entrypoint.sh"]'
  'CMD ["/etc/docker/registry/config.yml"]'
)
