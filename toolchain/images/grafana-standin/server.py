#!/usr/bin/env python3
"""Grafana stand-in: serves the slice of Grafana's HTTP API the ADE Platform uses.

NOT Grafana. No reachable registry serves Grafana, so this small server takes
its place in local images. It reads Grafana's environment variables and
provisioning files, and exits non-zero when a provisioned file is missing or
does not parse: a running stand-in proves the files arrived intact.
See README.md beside this file.
"""

import os
import signal
import sys
import threading
from http.server import ThreadingHTTPServer

# Nothing writes bytecode beside the sources: the image sets
# PYTHONDONTWRITEBYTECODE, and a run from a checkout must not leave
# __pycache__ in the image's directory, whose files the image's recipe hash covers.
sys.dont_write_bytecode = True

from standin.api import VERSION, Handler, State  # noqa: E402 (after the bytecode switch)
from standin.logs import log  # noqa: E402
from standin.provisioning import ProvisioningError, load_dashboards, load_datasources  # noqa: E402


def env_setting(name, default=None):
    """Grafana's convention: NAME, or NAME__FILE naming a file that holds the value."""
    file_name = os.environ.get(name + "__FILE")
    if file_name:
        try:
            with open(file_name, encoding="utf-8") as f:
                return f.read().strip()
        except OSError as e:
            raise ProvisioningError(f"{name}__FILE={file_name}: cannot read it as uid {os.getuid()}: {e.strerror}") from e
    return os.environ.get(name, default)


class Settings:
    def __init__(self):
        self.admin_user = env_setting("GF_SECURITY_ADMIN_USER", "admin")
        self.admin_password = env_setting("GF_SECURITY_ADMIN_PASSWORD", "admin")
        self.anonymous = (env_setting("GF_AUTH_ANONYMOUS_ENABLED", "false") or "").strip().lower() == "true"
        self.provisioning = env_setting("GF_PATHS_PROVISIONING", "/etc/grafana/provisioning")
        self.http_addr = env_setting("GF_SERVER_HTTP_ADDR", "") or "0.0.0.0"
        port = env_setting("GF_SERVER_HTTP_PORT", "3000")
        try:
            self.http_port = int(port)
        except ValueError as e:
            raise ProvisioningError(f"GF_SERVER_HTTP_PORT={port!r}: not a port number") from e


def main():
    try:
        settings = Settings()
        prov = settings.provisioning
        if not os.path.isdir(prov):
            raise ProvisioningError(f"GF_PATHS_PROVISIONING={prov}: directory does not exist")
        datasources = load_datasources(os.path.join(prov, "datasources"))
        dashboards = load_dashboards(os.path.join(prov, "dashboards"))
    except ProvisioningError as e:
        log("error", "start-up failed; exiting", error=str(e))
        return 1

    State.settings, State.datasources, State.dashboards = settings, datasources, dashboards
    for ds in datasources:
        log("info", "provisioned datasource", name=ds["name"], type=ds["type"], url=ds["url"], uid=ds["uid"], file=ds["_file"])
    for uid, entry in dashboards.items():
        log("info", "provisioned dashboard", uid=uid, title=entry["dashboard"]["title"], file=entry["file"])

    server = ThreadingHTTPServer((settings.http_addr, settings.http_port), Handler)
    server.daemon_threads = True

    def stop(signum, _frame):
        log("info", "shutting down", signal=signal.Signals(signum).name)
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    log(
        "info",
        "HTTP server listening (Grafana stand-in, not Grafana)",
        address=f"{settings.http_addr}:{settings.http_port}",
        version=VERSION,
        anonymous=settings.anonymous,
        admin_user=settings.admin_user,
        datasources=len(datasources),
        dashboards=len(dashboards),
    )
    server.serve_forever()
    server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
