"""The slice of Grafana's HTTP API the stand-in serves, from what start-up provisioned."""

import base64
import binascii
import hmac
import json
import re
import time
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, unquote, urlsplit

from .logs import log
from .provisioning import slug

VERSION = "standin-2"


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
