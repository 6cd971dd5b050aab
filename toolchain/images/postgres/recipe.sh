# shellcheck shell=bash disable=SC2034 # sourced by toolchain/build-images.sh, which reads these variables
# ade-local/postgres: a stand-in for the official postgres:15 image, built
# from Debian's postgresql-15. Same conventions: docker-entrypoint.sh,
# POSTGRES_USER / POSTGRES_DB / POSTGRES_PASSWORD(_FILE), PGDATA, uid/gid 999,
# server and client binaries on PATH.
# Bump the tag's suffix whenever anything in this directory changes.
IMAGE_REF=ade-local/postgres:15-1
IMAGE_STANDS_FOR=(postgres:15.8-bookworm)

readonly PG_MAJOR=15

IMAGE_PACKAGES=("postgresql-$PG_MAJOR" "postgresql-client-$PG_MAJOR")

image_prepare() {
  local root="$1"
  # Same ids as the official image, so volumes and uploaded secret files
  # (owned by 999) work with either image.
  in_root "$root" groupadd -r --gid 999 postgres
  in_root "$root" useradd -r --uid 999 --gid 999 --home-dir /var/lib/postgresql --shell /bin/bash postgres
  in_root "$root" install -d -o postgres -g postgres -m 755 /var/lib/postgresql
  # As the official image does: the cluster is created by the entrypoint on
  # first start (in $PGDATA), not by the package's postinst.
  apt_in_root "$root" postgresql-common
  sed -ri 's/#?(create_main_cluster) .*$/\1 = false/' "$root/etc/postgresql-common/createcluster.conf"
}

image_configure() {
  local root="$1"
  local sample="$root/usr/share/postgresql/$PG_MAJOR/postgresql.conf.sample"
  # initdb copies this sample: listen on every address of the container.
  grep -q "^#listen_addresses" "$sample"
  sed -ri "s!^#?(listen_addresses)\s*=\s*\S+.*!\1 = '*'!" "$sample"
  install -m 755 "$IMAGE_DIR/docker-entrypoint.sh" "$root/usr/local/bin/docker-entrypoint.sh"
  install -d -o 999 -g 999 -m 3777 "$root/run/postgresql"
  install -d -o 999 -g 999 -m 1777 "$root/var/lib/postgresql/data"
  install -d -m 755 "$root/docker-entrypoint-initdb.d"
}

IMAGE_CHANGES=(
  "ENV PATH=/usr/lib/postgresql/$PG_MAJOR/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin PG_MAJOR=$PG_MAJOR PGDATA=/var/lib/postgresql/data LANG=C.UTF-8"
  'VOLUME ["/var/lib/postgresql/data"]'
  'EXPOSE 5432/tcp'
  'ENTRYPOINT ["docker-entrypoint.sh"]'
  'CMD ["postgres"]'
)
