# Smoke checks of ade-local/node; sourced by toolchain/images/smoke-test.sh.
# shellcheck shell=bash
NODE="$(image_of node)"
check "node: node -e prints v18" bash -c "docker run --rm $NODE node -e 'console.log(process.version)' | grep -q '^v18\\.'"
check "node: user node is 1000:1000, workdir /app" bash -c "[ \"\$(docker run --rm --user node $NODE sh -c 'echo \$(id -u):\$(id -g):\$PWD')\" = 1000:1000:/app ]"
