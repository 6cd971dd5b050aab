"""The stand-in's log: one JSON line per event on stdout."""

import json
import sys
from datetime import datetime, timezone


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
