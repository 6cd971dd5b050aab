# shellcheck shell=bash disable=SC2034 # sourced by toolchain/build-images.sh, which reads these variables
# ade-local/postgres-exporter: a stand-in for
# quay.io/prometheuscommunity/postgres-exporter, built from Debian's
# prometheus-postgres-exporter 0.11. Same conventions: runs as nobody (65534),
# entrypoint /bin/postgres_exporter, /metrics on :9187. Give it the database
# as DATA_SOURCE_URI (host:port/db?sslmode=disable) and DATA_SOURCE_USER, and
# the password as a file: DATA_SOURCE_PASS_FILE (0.11 reads it; also
# DATA_SOURCE_USER_FILE, DATA_SOURCE_URI_FILE), never in the environment.
# 0.11.1 trims the file's surrounding whitespace, and refuses a password that
# holds a space: it exits with "malformed dsn" and prints the DSN, password
# included, to its log. Give it passwords without spaces.
# Bump the tag's suffix whenever anything in this directory changes.
IMAGE_REF=ade-local/postgres-exporter:0.11-1
IMAGE_STANDS_FOR=(quay.io/prometheuscommunity/postgres-exporter:v0.11.1)

IMAGE_PACKAGES=(prometheus-postgres-exporter)

image_configure() {
  local root="$1"
  ln -s prometheus-postgres-exporter "$root/usr/bin/postgres_exporter"
  rm -rf "$root/etc/default/prometheus-postgres-exporter" "$root/var/lib/prometheus"
  # The password file support the platform relies on.
  grep -qa DATA_SOURCE_PASS_FILE "$root/usr/bin/prometheus-postgres-exporter"
}

IMAGE_CHANGES=(
  'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
  'USER 65534'
  'EXPOSE 9187/tcp'
  'ENTRYPOINT ["/bin/postgres_exporter"]'
)
