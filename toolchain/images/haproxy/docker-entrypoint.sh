#!/bin/sh
# Entrypoint of ade-local/haproxy, with the official image's argument rules:
# options alone are given to haproxy; haproxy runs in the foreground in
# master-worker mode (-W -db), so SIGUSR2 reloads it and SIGUSR1 stops it
# gracefully; anything else is run as it is.
set -e
if [ "${1#-}" != "$1" ]; then
  set -- haproxy "$@"
fi
if [ "$1" = haproxy ]; then
  shift
  set -- haproxy -W -db "$@"
fi
exec "$@"
