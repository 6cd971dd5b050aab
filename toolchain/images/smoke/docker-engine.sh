# Smoke checks of ade-local/docker-engine; sourced by toolchain/images/smoke-test.sh.
# A second engine started with the flags that work on these machines (not
# --privileged), on a bridge network of its own. Images are loaded into that
# engine only; nothing here touches the host engine's Swarm state.
# SMOKE_NEEDS: node-exporter
# shellcheck shell=bash
ENGINE="$(image_of docker-engine)"
engine="$PREFIX-engine"
new_network "$PREFIX-engine-net"
new_volume "$PREFIX-engine-data"
run_bg "$engine" --network "$PREFIX-engine-net" --hostname "$engine" \
  --cap-add ALL --cap-drop SYS_RESOURCE --security-opt seccomp=unconfined --security-opt apparmor=unconfined \
  --security-opt systempaths=unconfined --device-cgroup-rule 'a *:* rwm' \
  -v "$PREFIX-engine-data:/var/lib/docker" "$ENGINE"
check "docker-engine: docker exec <it> docker info answers" wait_for 60 docker exec "$engine" docker info
driver_is() { [ "$(docker exec "$engine" docker info --format '{{.Driver}}')" = "$1" ]; }
check "docker-engine: storage driver overlay2 on the volume" driver_is overlay2
small="$(image_of node-exporter)"
load_small() { docker save "$small" | docker exec -i "$engine" docker load; }
check "docker-engine: docker load of $small into it" load_small
check "docker-engine: the loaded image is listed by that engine" docker exec "$engine" docker image inspect "$small"
check "docker-engine: it runs a container of the loaded image" \
  docker exec "$engine" docker run --rm --network none "$small" --version
