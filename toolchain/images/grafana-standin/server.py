#!/usr/bin/env python3
"""Grafana stand-in: serves the slice of Grafana's HTTP API the ADE Platform uses.

NOT Grafana. No reachable registry serves Grafana, so this small server takes
its place in local images. It reads Grafana's environment variables and
provisioning files, and exits non-zero when a provisioned file is missing or
does not parse: a running stand-in proves the files arrived intact.
See README.md beside this file.
"""

import base64
import binascii
import hmac
import json
import os
import re
import signal
import sys
import threading
import time
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

import yaml

VERSION = "standin-2"


class ProvisioningError(Exception):
    """A provisioning file is missing, unreadable, unparseable or invalid."""


def log(level, msg, **fields):
    record = {
        "t": datetime.now(timezone.utc).isoformat(timespec="milliseconds"),
        "level": level,
        "logger": "grafana-standin",
        "msg": msg,
    }
    record.update(fields)
    sys.stdout.write(json.dumps(record, default=str) + "\n")
    sys.stdout.flush()


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


_ENV_REF = re.compile(r"\$\$|\$\{(\w+)\}|\$(\w+)")


def expand_env(text):
    """Grafana expands $VAR and ${VAR} in provisioning files; $$ is a literal $."""

    def repl(m):
        if m.group(0) == "$$":
            return "$"
        return os.environ.get(m.group(1) or m.group(2), "")

    return _ENV_REF.sub(repl, text)


def read_yaml(path):
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except OSError as e:
        raise ProvisioningError(f"{path}: cannot read: {e.strerror}") from e
    try:
        doc = yaml.safe_load(expand_env(text))
    except yaml.YAMLError as e:
        raise ProvisioningError(f"{path}: not valid YAML: {e}") from e
    if doc is None:
        return {}
    if not isinstance(doc, dict):
        raise ProvisioningError(f"{path}: expected a mapping at the top level, got {type(doc).__name__}")
    return doc


def yaml_files(directory):
    if not os.path.isdir(directory):
        return []
    return sorted(
        os.path.join(directory, n) for n in os.listdir(directory) if n.endswith((".yaml", ".yml"))
    )


def slug(text):
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "x"


def load_datasources(directory):
    datasources = []
    for path in yaml_files(directory):
        doc = read_yaml(path)
        entries = doc.get("datasources") or []
        if not isinstance(entries, list):
            raise ProvisioningError(f"{path}: 'datasources' must be a list")
        for i, ds in enumerate(entries):
            where = f"{path}: datasources[{i}]"
            if not isinstance(ds, dict):
                raise ProvisioningError(f"{where}: must be a mapping")
            if not ds.get("name"):
                raise ProvisioningError(f"{where}: 'name' is required")
            if not ds.get("type"):
                raise ProvisioningError(f"{where}: 'type' is required (datasource {ds['name']!r})")
            datasources.append(
                {
                    "id": len(datasources) + 1,
                    "uid": str(ds.get("uid") or slug(ds["name"])),
                    "orgId": int(ds.get("orgId") or 1),
                    "name": str(ds["name"]),
                    "type": str(ds["type"]),
                    "access": str(ds.get("access") or "proxy"),
                    "url": str(ds.get("url") or ""),
                    "isDefault": bool(ds.get("isDefault", False)),
                    "jsonData": ds.get("jsonData") or {},
                    "readOnly": not bool(ds.get("editable", False)),
                    "_file": path,
                }
            )
    # Grafana refuses to start with two default datasources in one organisation.
    defaults = {}
    for ds in datasources:
        if ds["isDefault"]:
            if ds["orgId"] in defaults:
                raise ProvisioningError(
                    f"datasources {defaults[ds['orgId']]!r} and {ds['name']!r} are both isDefault in org {ds['orgId']}; only one may be"
                )
            defaults[ds["orgId"]] = ds["name"]
    names = [ds["name"] for ds in datasources]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise ProvisioningError(f"datasource names provisioned more than once: {', '.join(dupes)}")
    return datasources


def dashboard_files(path):
    if os.path.isfile(path):
        return [path]
    found = []
    for base, _dirs, files in os.walk(path):
        found.extend(os.path.join(base, n) for n in files if n.endswith(".json"))
    return sorted(found)


def load_dashboards(directory):
    dashboards = {}
    for path in yaml_files(directory):
        doc = read_yaml(path)
        providers = doc.get("providers") or []
        if not isinstance(providers, list):
            raise ProvisioningError(f"{path}: 'providers' must be a list")
        for i, provider in enumerate(providers):
            where = f"{path}: providers[{i}]"
            if not isinstance(provider, dict):
                raise ProvisioningError(f"{where}: must be a mapping")
            options = provider.get("options") or {}
            target = options.get("path") if isinstance(options, dict) else None
            if not target:
                raise ProvisioningError(f"{where}: 'options.path' is required")
            if not os.path.exists(target):
                raise ProvisioningError(f"{where}: options.path {target} does not exist")
            files = dashboard_files(target)
            if not files:
                log("warn", "dashboard provider found no *.json files", provider=provider.get("name"), path=target)
            for file in files:
                dash = load_dashboard_json(file)
                uid = str(dash.get("uid") or slug(os.path.splitext(os.path.basename(file))[0]))
                if uid in dashboards:
                    raise ProvisioningError(f"{file}: dashboard uid {uid!r} is also used by {dashboards[uid]['file']}")
                dash["uid"] = uid
                dashboards[uid] = {
                    "dashboard": dash,
                    "file": file,
                    "provider": provider.get("name") or "",
                    "folder": provider.get("folder") or "",
                }
    return dashboards


def load_dashboard_json(file):
    try:
        with open(file, encoding="utf-8") as f:
            dash = json.load(f)
    except OSError as e:
        raise ProvisioningError(f"{file}: cannot read: {e.strerror}") from e
    except json.JSONDecodeError as e:
        raise ProvisioningError(f"{file}: not valid JSON: {e}") from e
    # Some exports wrap the model as {"dashboard": {...}}.
    if isinstance(dash, dict) and isinstance(dash.get("dashboard"), dict) and "panels" not in dash:
        dash = dash["dashboard"]
    if not isinstance(dash, dict):
        raise ProvisioningError(f"{file}: expected a JSON object, got {type(dash).__name__}")
    if not isinstance(dash.get("title"), str) or not dash["title"].strip():
        raise ProvisioningError(f"{file}: dashboard 'title' is missing or empty")
    return dash


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


class State:
    settings = None
    datasources = []
    dashboards = {}


def public_datasource(ds):
    return {k: v for k, v in ds.items() if not k.startswith("_")}


class Handler(BaseHTTPRequestHandler):
    server_version = "grafana-standin/" + VERSION
    sys_version = ""

    def log_message(self, fmt, *args):  # the default writes unstructured lines to stderr
        pass

    def send_json(self, status, body, headers=None):
        data = json.dumps(body, separators=(",", ":")).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)
        self.status = status

    def authorized(self):
        if State.settings.anonymous:
            return True
        header = self.headers.get("Authorization", "")
        if not header.startswith("Basic "):
            return False
        try:
            user, _, password = base64.b64decode(header[6:], validate=True).decode("utf-8").partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return False
        s = State.settings
        # Compare bytes: compare_digest rejects non-ASCII str.
        user_ok = hmac.compare_digest(user.encode("utf-8"), s.admin_user.encode("utf-8"))
        password_ok = hmac.compare_digest(password.encode("utf-8"), s.admin_password.encode("utf-8"))
        return user_ok and password_ok

    def do_HEAD(self):
        self.do_GET()

    def do_GET(self):
        started = time.monotonic()
        self.status = 0
        url = urlsplit(self.path)
        path = url.path.rstrip("/") or "/"
        try:
            self.route(path, parse_qs(url.query))
        finally:
            if path != "/api/health":
                log(
                    "info",
                    "request",
                    method=self.command,
                    path=path,
                    status=self.status,
                    remote=self.client_address[0],
                    ms=round((time.monotonic() - started) * 1000, 1),
                )

    def send_metrics(self):
        # Grafana serves Prometheus metrics at /metrics without auth; the platform scrapes them.
        lines = [
            "# HELP grafana_build_info Build information (stand-in).",
            "# TYPE grafana_build_info gauge",
            f'grafana_build_info{{version="{VERSION}",edition="standin"}} 1',
            "# HELP grafana_stat_totals_dashboard Provisioned dashboards.",
            "# TYPE grafana_stat_totals_dashboard gauge",
            f"grafana_stat_totals_dashboard {len(State.dashboards)}",
            "# HELP grafana_stat_totals_datasource Provisioned datasources.",
            "# TYPE grafana_stat_totals_datasource gauge",
            f"grafana_stat_totals_datasource {len(State.datasources)}",
        ]
        data = ("\n".join(lines) + "\n").encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; version=0.0.4")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)
        self.status = 200

    def route(self, path, query):
        if path == "/api/health":
            return self.send_json(200, {"database": "ok", "version": VERSION})
        if path == "/metrics":
            return self.send_metrics()
        if path == "/":
            return self.send_json(200, {"message": "Grafana stand-in (not Grafana); see /api/health", "version": VERSION})
        if not path.startswith("/api/"):
            return self.send_json(404, {"message": "Not found"})
        if not self.authorized():
            return self.send_json(401, {"message": "Unauthorized"}, {"WWW-Authenticate": 'Basic realm="Grafana stand-in"'})

        if path == "/api/datasources":
            return self.send_json(200, [public_datasource(ds) for ds in State.datasources])
        m = re.fullmatch(r"/api/datasources/(uid|name)/(.+)", path)
        if m:
            key, value = m.group(1), unquote(m.group(2))
            for ds in State.datasources:
                if ds[key] == value:
                    return self.send_json(200, public_datasource(ds))
            return self.send_json(404, {"message": "Data source not found"})
        if path == "/api/search":
            return self.send_json(200, self.search(query))
        m = re.fullmatch(r"/api/dashboards/uid/(.+)", path)
        if m:
            entry = State.dashboards.get(unquote(m.group(1)))
            if entry is None:
                return self.send_json(404, {"message": "Dashboard not found"})
            meta = {"provisioned": True, "provisionedExternalId": entry["file"], "folderTitle": entry["folder"] or "General"}
            return self.send_json(200, {"dashboard": entry["dashboard"], "meta": meta})
        return self.send_json(404, {"message": "Not found"})

    def search(self, query):
        text = (query.get("query") or [""])[0].lower()
        kind = (query.get("type") or [""])[0]
        if kind and kind != "dash-db":
            return []
        hits = []
        for uid, entry in sorted(State.dashboards.items(), key=lambda kv: kv[1]["dashboard"]["title"].lower()):
            title = entry["dashboard"]["title"]
            if text and text not in title.lower():
                continue
            hits.append(
                {
                    "id": len(hits) + 1,
                    "uid": uid,
                    "title": title,
                    "uri": "db/" + slug(title),
                    "url": f"/d/{uid}/{slug(title)}",
                    "type": "dash-db",
                    "tags": entry["dashboard"].get("tags") or [],
                    "isStarred": False,
                    "folderTitle": entry["folder"],
                }
            )
        return hits


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
