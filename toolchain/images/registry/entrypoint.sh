#!/bin/sh
# Entrypoint of ade-local/registry, with the official image's argument rules:
# a config file alone means `registry serve <file>`; a registry subcommand or
# an option is given to `registry`; anything else is run as it is.
set -e
case "$1" in
  *.yaml | *.yml) set -- registry serve "$@" ;;
  serve | garbage-collect | help | -*) set -- registry "$@" ;;
esac
exec "$@"
