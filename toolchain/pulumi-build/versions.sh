# Go module coordinates for the plugin versions that package.json pins.
# shellcheck shell=bash
#
# Neither pulumi-docker nor pulumi-command tags its provider/ sub-module, so an
# npm version has to be mapped by hand to the pseudo-version of the commit its
# release tag points at. Adding a version here is all a bump of those packages needs.
#
# The Go module proxy may refuse some of these modules (403 "This module version
# is not available"); toolchain/ensure-pulumi.sh then records the plugin in the
# toolchain's UNAVAILABLE file instead of failing. Seen on the project's build
# machines: no version of github.com/pulumi/pulumi-docker/provider/* or
# github.com/pulumi/pulumi-command/provider is served at all.

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

# The Node.js language host is its own module without tags
# (github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3); its
# pseudo-version is derived from the commit of the SDK tag (Origin.Hash), which
# a proxy may not report. language_host_version PULUMI_VERSION prints a known
# pseudo-version for the release PULUMI_VERSION, if any.
language_host_version() {
  case "$1" in
    *) return 1 ;;
  esac
}

# When the proxy does not serve that module (seen: no version of it at all), the
# host is built from an old github.com/pulumi/pulumi/sdk/v3, whose module still
# held nodejs/cmd/pulumi-language-nodejs as a package. Later releases moved it into
# its own module, so sdk/v3 zips after this version lack it: checked on the
# proxy, v3.68.0 has the package and v3.90.0 (the next version served) does not.
# ensure-pulumi.sh tries the served sdk/v3 versions from this one down and
# checks that the package is really there.
# The old host runs programs of the current npm @pulumi/pulumi: `pulumi up` of
# an @pulumi/pulumi 3.270.0 program on Node 22 with a 3.274.1 CLI worked.
# shellcheck disable=SC2034 # read by toolchain/ensure-pulumi.sh
NODEJS_HOST_LAST_IN_SDK=3.68.0
