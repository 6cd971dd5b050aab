# Go module coordinates for the plugin versions that package.json pins.
# shellcheck shell=bash
#
# Neither pulumi-docker nor pulumi-command tags its provider/ sub-module, so an
# npm version has to be mapped by hand to the pseudo-version of the commit its
# release tag points at. Adding a version here is all a bump of those packages needs.

# docker_provider_coordinates NPM_VERSION prints:
#   <provider module path> <provider pseudo-version> <upstream kreuzwerker commit>
docker_provider_coordinates() {
  case "$1" in
    5.0.0) echo "github.com/pulumi/pulumi-docker/provider/v5 v5.0.0-20260421125334-c2baf6a4997f 619686ddb44a" ;;
    5.1.0) echo "github.com/pulumi/pulumi-docker/provider/v5 v5.0.0-20260626165050-e944612c4c97 5074970c71ce" ;;
    *) return 1 ;;
  esac
}

# command_provider_coordinates NPM_VERSION prints:
#   <provider module path> <provider pseudo-version>
command_provider_coordinates() {
  case "$1" in
    1.2.1) echo "github.com/pulumi/pulumi-command/provider v0.0.0-20260303235922-7f3eb6f3b77c" ;;
    *) return 1 ;;
  esac
}

# The Node.js language host is its own module without tags; its pseudo-version is
# derived from the commit of the SDK tag (Origin.Hash), which a proxy may not report.
# language_host_version PULUMI_VERSION prints a known pseudo-version, if any.
language_host_version() {
  case "$1" in
    *) return 1 ;;
  esac
}
