# Smoke checks of ade-local/adminer; sourced by toolchain/images/smoke-test.sh.
# shellcheck shell=bash
ADMINER="$(image_of adminer)"
run_bg "$PREFIX-adminer" -p "127.0.0.1:$(port 40):8080" -e ADMINER_DEFAULT_SERVER=db "$ADMINER"
adm="http://127.0.0.1:$(port 40)"
check "adminer: HTTP 200 on :8080" wait_for 20 curl -fsS -o /dev/null "$adm/"
check "adminer: login form pre-filled from ADMINER_DEFAULT_SERVER" body_has "$adm/" 'name="auth\[server\]" value="db"'
check "adminer: runs as a non-root user" bash -c "[ \"\$(docker exec $PREFIX-adminer id -u)\" != 0 ]"
