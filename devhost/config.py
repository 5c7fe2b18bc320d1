"""Settings a Functions host reads: local.settings.json Values and host.json options."""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = [
    "HostConfig",
    "QueueOptions",
    "load_host_config",
    "load_local_settings",
    "parse_timespan",
    "worker_count",
]

_TIMESPAN = re.compile(r"^(?:(\d+)\.)?(\d+):(\d+):(\d+(?:\.\d+)?)$")


def parse_timespan(value: str | float | int | None, default: float) -> float:
    """A .NET TimeSpan ("00:00:02", "1.00:00:00") or a number of seconds, as seconds."""
    if value is None:
        return default
    if isinstance(value, int | float):
        return float(value)
    match = _TIMESPAN.match(value.strip())
    if not match:
        raise ValueError(f"not a TimeSpan (hh:mm:ss): {value!r}")
    days, hours, minutes, seconds = match.groups()
    return int(days or 0) * 86400 + int(hours) * 3600 + int(minutes) * 60 + float(seconds)


@dataclass(frozen=True)
class QueueOptions:
    """host.json extensions.queues, with the host's defaults."""

    batch_size: int = 16
    new_batch_threshold: int = 8
    max_polling_interval: float = 60.0
    visibility_timeout: float = 0.0
    max_dequeue_count: int = 5
    message_encoding: str = "base64"
    # How long a message stays invisible while its function runs; renewed at half of it.
    visibility_hold: float = 600.0

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> QueueOptions:
        batch = int(raw.get("batchSize", 16))
        return cls(
            batch_size=batch,
            new_batch_threshold=int(raw.get("newBatchThreshold", batch // 2)),
            max_polling_interval=parse_timespan(raw.get("maxPollingInterval"), 60.0),
            visibility_timeout=parse_timespan(raw.get("visibilityTimeout"), 0.0),
            max_dequeue_count=int(raw.get("maxDequeueCount", 5)),
            message_encoding=str(raw.get("messageEncoding", "base64")).lower(),
            visibility_hold=float(os.environ.get("DEVHOST_QUEUE_VISIBILITY_HOLD", "600")),
        )


@dataclass(frozen=True)
class HostConfig:
    route_prefix: str = "api"
    queues: QueueOptions = QueueOptions()
    host_id: str = "devhost"


_OVERRIDE_PREFIX = "AzureFunctionsJobHost__"


def _apply_overrides(raw: dict[str, Any], environ: dict[str, str]) -> None:
    """App settings named AzureFunctionsJobHost__path__to__key override host.json, as in Azure.

    Keys match case-insensitively, as the host's configuration does; values stay strings
    (the readers below convert them).
    """
    for name, value in environ.items():
        if not name.startswith(_OVERRIDE_PREFIX):
            continue
        *parents, leaf = name[len(_OVERRIDE_PREFIX) :].split("__")
        node = raw
        for part in parents:
            key = next((k for k in node if k.lower() == part.lower()), part)
            child = node.get(key)
            if not isinstance(child, dict):
                child = node[key] = {}
            node = child
        node[next((k for k in node if k.lower() == leaf.lower()), leaf)] = value


def worker_count() -> int:
    """How many worker processes this devhost runs (DEVHOST_WORKERS, set by the host):
    listeners divide their idle polling by it, so storage sees one instance's rate."""
    return max(1, int(os.environ.get("DEVHOST_WORKERS", "1") or 1))


def load_host_config(app_dir: Path) -> HostConfig:
    path = app_dir / "host.json"
    raw: dict[str, Any] = json.loads(path.read_text()) if path.exists() else {}
    _apply_overrides(raw, dict(os.environ))
    extensions = raw.get("extensions", {})
    prefix = str(extensions.get("http", {}).get("routePrefix", "api")).strip("/")
    host_id = (
        os.environ.get("AzureFunctionsWebHost__hostid")  # noqa: SIM112
        or re.sub(r"[^a-z0-9-]", "-", app_dir.resolve().name.lower())[:32].strip("-")
        or "devhost"
    )
    return HostConfig(
        route_prefix=prefix,
        queues=QueueOptions.from_json(extensions.get("queues", {})),
        host_id=host_id,
    )


def load_local_settings(app_dir: Path) -> dict[str, Any]:
    """local.settings.json (else local.settings.example.json) as a dict, {} when absent."""
    path = app_dir / "local.settings.json"
    example = app_dir / "local.settings.example.json"
    if not path.exists() and example.exists() and not os.environ.get("AzureWebJobsStorage"):  # noqa: SIM112
        # A fresh clone has only the template: use its non-empty Values so `make run` is one
        # step. Never when storage is given (tests, benchmarks): they choose their settings.
        data = json.loads(example.read_text())
        values = data.get("Values") or {}
        data["Values"] = {k: v for k, v in values.items() if v not in ("", None)}
        return dict(data)
    if not path.exists():
        return {}
    loaded: dict[str, Any] = json.loads(path.read_text())
    return loaded


def apply_local_settings(settings: dict[str, Any]) -> None:
    """Values into os.environ, never overriding what the environment already sets."""
    for key, value in (settings.get("Values") or {}).items():
        if key not in os.environ and value is not None:
            os.environ[key] = str(value)
