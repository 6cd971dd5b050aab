# Smoke checks of ade-local/registry; sourced by toolchain/images/smoke-test.sh.
# Pushes an image to it through a loopback-published port (no insecure-registries
# setting needed), pulls it back and reads its manifest digest over the API.
# shellcheck shell=bash
REGISTRY="$(image_of registry)"
reg_vol="$PREFIX-registry-data"
new_volume "$reg_vol"
reg="127.0.0.1:$(port 50)"
reg_run() { run_bg "$1" -p "$reg:5000" -v "$reg_vol:/var/lib/registry" "$REGISTRY"; }
reg_run "$PREFIX-registry"
check "registry: GET /v2/ answers 200" wait_for 30 curl -fsS -o /dev/null "http://$reg/v2/"
check "registry: runs as uid 1000" runs_as "$PREFIX-registry" 1000
# The registry's own image is the one pushed: it is there whenever this runs.
pushed="$reg/$PREFIX/registry:smoke"
docker tag "$REGISTRY" "$pushed" && tags+=("$pushed")
push_out="$(docker push "$pushed" 2>&1)"; rc=$?
push_digest="$(grep -Eo 'digest: sha256:[0-9a-f]{64}' <<<"$push_out" | cut -d' ' -f2)"
if [ "$rc" -eq 0 ] && [ -n "$push_digest" ]; then ok "registry: docker push to $reg ($push_digest)"; else not_ok "registry: docker push to $reg" "$(tail -n 3 <<<"$push_out")"; fi
manifest_digest() { # the Docker-Content-Digest of the pushed tag's v2 manifest
  curl -fsS -o /dev/null -D - -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' \
    "http://$reg/v2/$PREFIX/registry/manifests/smoke" | tr -d '\r' | sed -n 's/^[Dd]ocker-[Cc]ontent-[Dd]igest: //p'
}
digest_is() { [ -n "$1" ] && [ "$(manifest_digest)" = "$1" ]; }
check "registry: GET /v2/<name>/manifests/<tag> returns the pushed Docker-Content-Digest" digest_is "$push_digest"
docker image rm "$pushed" >/dev/null
pull_back() { docker pull -q "$pushed" >/dev/null && [ "$(docker image inspect -f '{{.Id}}' "$pushed")" = "$(docker image inspect -f '{{.Id}}' "$REGISTRY")" ]; }
check "registry: docker pull gets the same image back" pull_back
stored_by() { [ "$(docker exec "$PREFIX-registry" stat -c %u /var/lib/registry/docker/registry/v2/repositories)" = "$1" ]; }
check "registry: blobs are stored on the volume, owned by uid 1000" stored_by 1000
docker rm -f "$PREFIX-registry" >/dev/null
reg_run "$PREFIX-registry2"
check "registry: a new container on the same volume still serves the manifest" wait_for 30 digest_is "$push_digest"
