"""Liveness and readiness."""

from __future__ import annotations

from shared.api.http import ApiRequest, ApiResponse, Caller, json_response
from shared.context import Services
from shared.naming import JOBS_TABLE

__all__ = ["health", "ready"]


def health(services: Services, request: ApiRequest, caller: Caller) -> ApiResponse:
    return json_response(200, {"status": "healthy"})


def ready(services: Services, request: ApiRequest, caller: Caller) -> ApiResponse:
    checks: dict[str, str] = {}
    probes = {
        "blob": lambda: next(
            iter(services.storage.blob_service.list_containers(results_per_page=1)), None
        ),
        "queue": lambda: next(
            iter(services.storage.queue_service.list_queues(results_per_page=1)), None
        ),
        "table": lambda: services.storage.table_service.get_table_client(
            JOBS_TABLE
        ).get_table_access_policy(),
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
