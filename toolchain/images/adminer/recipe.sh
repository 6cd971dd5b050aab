# shellcheck shell=bash disable=SC2034 # sourced by toolchain/build-images.sh, which reads these variables
# ade-local/adminer: a stand-in for the official adminer image (a database
# admin UI for development only), built from Debian's adminer + PHP CLI.
# Same conventions: PHP's built-in server on :8080 serving /var/www/html, a
# non-root user, ADMINER_DEFAULT_SERVER pre-fills the login form (default "db").
# Bump the tag's suffix whenever anything in this directory changes.
IMAGE_REF=ade-local/adminer:4-1
IMAGE_STANDS_FOR=(adminer:4.8.1)

IMAGE_PACKAGES=(adminer php-cli php-pgsql tini)

image_prepare() {
  local root="$1"
  in_root "$root" groupadd --gid 1000 adminer
  in_root "$root" useradd --uid 1000 --gid adminer --no-create-home --home-dir /var/www/html --shell /usr/sbin/nologin adminer
}

image_configure() {
  local root="$1"
  # Debian ships the compiled single-file Adminer; index.php wraps it.
  test -f "$root/usr/share/adminer/adminer.php"
  install -d -m 755 "$root/var/www/html"
  install -m 644 "$IMAGE_DIR/index.php" "$root/var/www/html/index.php"
  in_root "$root" php -l /var/www/html/index.php >/dev/null
}

IMAGE_CHANGES=(
  'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
  'USER adminer'
  'WORKDIR /var/www/html'
  'EXPOSE 8080/tcp'
  # PHP's built-in server installs no signal handlers, so as pid 1 it would
  # ignore docker stop's SIGTERM (a Dockerfile could set STOPSIGNAL; `docker
  # import` cannot): tini is pid 1 and forwards the signal to php.
  'ENTRYPOINT ["/usr/bin/tini", "--"]'
  'CMD ["php", "-S", "0.0.0.0:8080", "-t", "/var/www/html"]'
)
