# The resource plugins the engine sees: which are installed, the UNAVAILABLE
# list of those that could not be built, and a pulumi the user installed.
# Source it after lib.sh.
# shellcheck shell=bash

# Prints "name version" for each installed resource plugin of the pulumi given as $1.
installed_plugins() {
  "$1" plugin ls --json 2>/dev/null |
    node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{for(const p of JSON.parse(s||"[]"))if(p.kind==="resource")console.log(p.name,p.version)})' ||
    true
}

# True when plugin $2 at version $3 is installed for pulumi $1, or a binary of
# that name is on PATH (the engine then uses it as an ambient plugin).
has_plugin() {
  grep -qx "$2 $3" <<<"$(installed_plugins "$1")" || command -v "pulumi-resource-$2" >/dev/null
}

# Writes the lines $2... to the list file $1 (UNAVAILABLE, STANDIN), or removes $1
# when there are none. A file that already says the same is left untouched.
record_unavailable() {
  local file="$1"
  shift
  if (($# == 0)); then
    rm -f "$file"
    return 0
  fi
  [[ "$(cat "$file" 2>/dev/null)" != "$(printf '%s\n' "$@")" ]] || return 0
  mkdir -p "$(dirname "$file")"
  printf '%s\n' "$@" >"$file.tmp.$$"
  mv -f "$file.tmp.$$" "$file"
}

# Prints a loud warning naming the missing plugins listed in $1; $2 says how to retry.
warn_unavailable() {
  local file="$1" retry="$2" line
  {
    printf '\n[ade] ################################################################################\n'
    printf '[ade] WARNING: the Pulumi toolchain is INCOMPLETE. These resource plugins are missing:\n'
    while IFS= read -r line; do printf '[ade]   - %s\n' "$line"; done <"$file"
    printf '[ade] pulumi preview/up of a program that uses them stops with a "no resource plugin" error.\n'
    printf '[ade] The list is in %s\n' "$file"
    printf '[ade] (source toolchain/env.sh exports it as ADE_TOOLCHAIN_UNAVAILABLE). %s\n' "$retry"
    printf '[ade] ################################################################################\n\n'
  } >&2
}

# Uses pulumi $2 installed by the user in bin directory $1 as it is, recording
# the resource plugins it lacks.
use_installed() {
  local dir="$1" version="$2" plugin name plugin_version lines=() file
  log "using pulumi $version from $dir as it is (package.json pins @pulumi/pulumi $PULUMI_VERSION; nothing is built)"
  for plugin in "docker $DOCKER_VERSION" "command $COMMAND_VERSION"; do
    read -r name plugin_version <<<"$plugin"
    has_plugin "$dir/pulumi" "$name" "$plugin_version" ||
      lines+=("pulumi-resource-$name $plugin_version (for npm @pulumi/$name $plugin_version) is missing: it is not installed in PULUMI_HOME ($PULUMI_HOME) and no pulumi-resource-$name is on PATH; pulumi $version from $dir is used as it is, so nothing was built")
  done
  file="$(ade_unavailable_file "$dir")"
  record_unavailable "$file" "${lines[@]}"
  [[ ! -f "$file" ]] ||
    warn_unavailable "$file" "Install them with: pulumi plugin install resource <name> <version> (it downloads them), or take that pulumi off PATH to use the project's own build."
  printf '%s\n' "$dir"
}

# True when plugin binary $1 is a stand-in rather than a real plugin: this
# project's stand-ins carry their module path (older ones said STAND-IN).
is_standin() {
  [[ -f "$1" ]] && grep -qaF -e ade-platform/standin-providers -e STAND-IN "$1"
}

# Installs the resource plugins built into bin directory $1 into PULUMI_HOME under
# the npm packages' versions; a plugin missing there must be listed in UNAVAILABLE file $2.
install_built_plugins() {
  local bin_dir="$1" unavailable_file="$2" plugin name version
  for plugin in "docker $DOCKER_VERSION" "command $COMMAND_VERSION"; do
    read -r name version <<<"$plugin"
    if [[ ! -x "$bin_dir/pulumi-resource-$name" ]]; then
      grep -qs "^pulumi-resource-$name " "$unavailable_file" ||
        die "$bin_dir/pulumi-resource-$name is missing and not listed in $unavailable_file; remove $(dirname "$bin_dir") to rebuild it"
      continue
    fi
    step "installing resource plugin $name $version into $PULUMI_HOME"
    # A stand-in installed while the real plugin could not be built gives way to it.
    if ! grep -qx "$name $version" <<<"$(installed_plugins "$bin_dir/pulumi")" ||
      is_standin "$PULUMI_HOME/plugins/resource-$name-v$version/pulumi-resource-$name"; then
      log "installing resource plugin $name $version into $PULUMI_HOME ..."
      "$bin_dir/pulumi" plugin install resource "$name" "$version" --file "$bin_dir/pulumi-resource-$name" --reinstall >&2 ||
        die "pulumi plugin install resource $name $version --file $bin_dir/pulumi-resource-$name failed"
    fi
  done
}
