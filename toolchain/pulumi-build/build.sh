# Building the toolchain from the choices resolve.sh made: one wrapper module
# per binary, dependencies fetched in parallel, binaries compiled one at a time.
# Source it after lib.sh and go-modules.sh.
# shellcheck shell=bash

build_toolchain() {
  local work="$1" started go_started
  started="$(date +%s)"

  step "writing the wrapper modules"
  local src="$work/src" sdk_req="github.com/pulumi/pulumi/sdk/v3@v$CLI_VERSION" pkg_req="github.com/pulumi/pulumi/pkg/v3@v$CLI_VERSION"
  local sdk_stamp=github.com/pulumi/pulumi/sdk/v3/go/common/version.Version lh_stamp
  declare -A pkg_of=([pulumi]=github.com/pulumi/pulumi/pkg/v3/cmd/pulumi)
  local wrappers=(pulumi language-nodejs)
  WRAPPER_REPLACES_FROM="$PKG_DIR/go.mod" new_wrapper "$src/pulumi" ade.local/build/pulumi "$pkg_req" "$sdk_req"
  if [[ "$LH_KIND" == module ]]; then
    WRAPPER_REPLACES_FROM="$PKG_DIR/go.mod" new_wrapper "$src/language-nodejs" ade.local/build/pulumi-language-nodejs \
      "github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3@$LH_VERSION" "$pkg_req" "$sdk_req"
    pkg_of[language-nodejs]=github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3
    lh_stamp="v$CLI_VERSION"
  else
    # The old SDK's own replace (golang.org/x/text => v0.3.x) is left out on
    # purpose: the host builds and runs with the version its requirements select.
    new_wrapper "$src/language-nodejs" ade.local/build/pulumi-language-nodejs "github.com/pulumi/pulumi/sdk/v3@v$LH_VERSION"
    pkg_of[language-nodejs]=github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs
    lh_stamp="v$LH_VERSION"
  fi

  if [[ -n "$COMMAND_OK" ]]; then
    new_wrapper "$src/command" ade.local/build/pulumi-resource-command "$command_module@$command_pv"
    pkg_of[command]="$command_module/cmd/pulumi-resource-command"
    wrappers+=(command)
  fi

  if [[ -n "$DOCKER_OK" ]]; then
    # The docker provider's main embeds a generated schema and its Terraform
    # upstream lacks the shim package the bridge imports; both are made here.
    WRAPPER_REPLACES_FROM="$docker_dir/go.mod" new_wrapper "$src/docker" ade.local/build/pulumi-resource-docker "$docker_module@$docker_pv"
    cp -R "$upstream_dir" "$src/docker/upstream"
    chmod -R u+w "$src/docker/upstream"
    mkdir -p "$src/docker/upstream/shim" "$src/docker/main"
    cp "$here/pulumi-build/docker-shim/shim.go" "$src/docker/upstream/shim/"
    (cd "$src/docker" &&
      go mod edit -replace=github.com/terraform-providers/terraform-provider-docker=./upstream &&
      go mod edit -require=github.com/terraform-providers/terraform-provider-docker@v0.0.0-00010101000000-000000000000)
    local cmd_src="$docker_dir/provider/cmd/pulumi-resource-docker"
    [[ -d "$cmd_src" ]] || cmd_src="$docker_dir/cmd/pulumi-resource-docker"
    [[ -f "$cmd_src/schema.json" ]] || die "no cmd/pulumi-resource-docker/schema.json in $docker_module@$docker_pv"
    find "$cmd_src" -maxdepth 1 -type f \( -name '*.go' ! -name '*_test.go' -o -name '*.json' \) -exec cp {} "$src/docker/main/" \;
    chmod u+w "$src/docker/main"/*
    node -e 'const fs=require("fs");const [from,to,version]=process.argv.slice(1);
      const schema=JSON.parse(fs.readFileSync(from,"utf8"));
      fs.writeFileSync(to,JSON.stringify({...schema,version},null,4))' \
      "$cmd_src/schema.json" "$src/docker/main/schema-embed.json" "$DOCKER_VERSION" ||
      die "could not generate schema-embed.json from $cmd_src/schema.json"
    pkg_of[docker]=./main
    wrappers+=(docker)
  fi

  # Module downloads are network-bound and the builds CPU-bound: fetch every
  # wrapper's dependencies at once, then compile one binary at a time so that the
  # packages they share (sdk, grpc, protobuf) are compiled once and then cached.
  step "downloading dependencies"
  log "downloading Go dependencies of the wrappers (${wrappers[*]}) ..."
  go_started="$(date +%s)"
  local wrapper pids=() names=()
  for wrapper in "${wrappers[@]}"; do
    (
      [[ "$wrapper" != docker ]] || export CGO_ENABLED=0
      cd "$src/$wrapper" && go list -deps -tags no_compose "${pkg_of[$wrapper]}" >/dev/null 2>"$work/$wrapper-deps.log" || exit 1
    ) &
    pids+=($!) names+=("$wrapper")
  done
  local i failed=()
  for i in "${!pids[@]}"; do wait "${pids[$i]}" || failed+=("${names[$i]}"); done
  for wrapper in "${failed[@]}"; do log "$wrapper: $(tail -n 5 "$work/$wrapper-deps.log")"; done
  ((${#failed[@]} == 0)) || die "could not download the dependencies of: ${failed[*]}"
  log "downloaded dependencies in $(elapsed_since "$go_started") s"

  local out="$work/bin"
  go_build "$src/pulumi" "${pkg_of[pulumi]}" "$out/pulumi" "$sdk_stamp=v$CLI_VERSION" "pulumi CLI v$CLI_VERSION"
  go_build "$src/language-nodejs" "${pkg_of[language-nodejs]}" "$out/pulumi-language-nodejs" \
    "$sdk_stamp=$lh_stamp" "pulumi-language-nodejs $lh_stamp ($LH_KIND $LH_VERSION)"
  if [[ -n "$COMMAND_OK" ]]; then
    go_build "$src/command" "${pkg_of[command]}" "$out/pulumi-resource-command" \
      "github.com/pulumi/pulumi-command/provider/pkg/version.Version=v$COMMAND_VERSION" "pulumi-resource-command v$COMMAND_VERSION"
  fi
  if [[ -n "$DOCKER_OK" ]]; then
    CGO_ENABLED=0 GOFLAGS="$GOFLAGS -tags=no_compose" go_build "$src/docker" ./main "$out/pulumi-resource-docker" \
      "$docker_module/pkg/version.Version=$DOCKER_VERSION" "pulumi-resource-docker $DOCKER_VERSION"
  fi
  log "built the toolchain in $(elapsed_since "$started") s"
}
