"""Grafana's provisioning files: datasources and dashboard providers, read and
checked as the stand-in's start-up does (a missing or broken file is an error)."""

import json
import os
import re

import yaml

from .logs import log


class ProvisioningError(Exception):
    """A provisioning file is missing, unreadable, unparseable or invalid."""


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
