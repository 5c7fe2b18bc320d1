"""Liveness and readiness."""

from __future__ import annotations

from typing import Any

from shared.api.http import ApiRequest, ApiResponse, Caller, json_response
from shared.context import Services
from shared.naming import JOBS_TABLE

__all__ = ["health", "ready"]


def health(services: Services, request: ApiRequest, caller: Caller) -> ApiResponse:
    return json_response(200, {"status": "healthy"})


PROBE: dict[str, Any] = {"retry_total": 0, "connection_timeout": 3, "read_timeout": 5}
"""One try each, briefly: a probe answers about now. With the SDK's retries an outage kept
/ready from answering for minutes, when its whole point is to say "not ready" at once."""


def ready(services: Services, request: ApiRequest, caller: Caller) -> ApiResponse:
    checks: dict[str, str] = {}
    storage = services.storage
    jobs = storage.table_service.get_table_client(JOBS_TABLE)
    probes = {
        "blob": lambda: next(
            iter(storage.blob_service.list_containers(results_per_page=1, **PROBE)), None
        ),
        "queue": lambda: next(
            iter(storage.queue_service.list_queues(results_per_page=1, **PROBE)), None
        ),
        "table": lambda: jobs.get_table_access_policy(**PROBE),
    }
    for name, probe in probes.items():
        try:
            probe()
            checks[name] = "ok"
        except Exception as exc:
            checks[name] = f"error: {type(exc).__name__}"
    healthy = all(v == "ok" for v in checks.values())
    return json_response(
        200 if healthy else 503, {"status": "ready" if healthy else "not ready", "checks": checks}
    )
