"""The HTTP API's one route table: functions/http_api.py registers exactly these routes and
`shared.api.meta.openapi` documents exactly these, so neither can drift from the other.

A route names its Functions function, path (under /api), method, handler, whether it needs
an API key, and the request and response models the OpenAPI document shows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from pydantic import BaseModel

from shared.api import account, admin, executions, meta, tools
from shared.api.http import ApiRequest, ApiResponse, Caller, Handler, json_response
from shared.api.openapi import document
from shared.api.run import run
from shared.api.views import BulkDeleteRequest, ExecutionStatus, JobRequest, UploadRequest
from shared.context import Services
from shared.keys import ADMIN

__all__ = ["ROUTES", "Route", "openapi"]

Body = Literal["none", "json", "multipart"]


@dataclass(frozen=True)
class Route:
    name: str
    """The function's name in the Functions host (unique)."""
    path: str
    """Relative to the /api prefix, with `{param}` segments."""
    method: str
    handler: Handler
    summary: str
    success: int = 200
    authenticated: bool = True
    needs_storage: bool = True
    """False only for liveness: answered without settings or storage."""
    body: Body = "none"
    request_model: type[BaseModel] | None = None
    response_model: type[BaseModel] | None = None
    query: tuple[str, ...] = field(default=())
    scope: str | None = None
    """A key scope the caller needs besides a valid key (e.g. "admin")."""

    @property
    def path_params(self) -> list[str]:
        return [part[1:-1] for part in self.path.split("/") if part.startswith("{")]


def openapi(services: Services, request: ApiRequest, caller: Caller) -> ApiResponse:
    return json_response(200, document(ROUTES, api_base=request.api_base))


ROUTES: tuple[Route, ...] = (
    Route(
        "health",
        "health",
        "GET",
        meta.health,
        "Liveness: the app answers",
        authenticated=False,
        needs_storage=False,
    ),
    Route(
        "ready",
        "ready",
        "GET",
        meta.ready,
        "Readiness: blob, queue and table storage answer (503 otherwise)",
        authenticated=False,
    ),
    Route(
        "openapi",
        "v1/openapi.json",
        "GET",
        openapi,
        "This document",
        authenticated=False,
    ),
    Route(
        "list_tools",
        "v1/tools/",
        "GET",
        tools.catalog,
        "The tool catalog",
        authenticated=False,
    ),
    Route(
        "create_upload",
        "v1/tools/{tool}/uploads/",
        "POST",
        tools.create_upload,
        "Create a job; get upload SAS URLs",
        success=201,
        body="json",
        request_model=UploadRequest,
    ),
    Route(
        "convert",
        "v1/tools/{tool}/convert/",
        "POST",
        tools.convert,
        "Multipart upload: `file`, optional `parameters` JSON",
        success=201,
        body="multipart",
    ),
    Route(
        "create_job",
        "v1/tools/{tool}/jobs/",
        "POST",
        tools.create_job,
        "A no-file job",
        success=201,
        body="json",
        request_model=JobRequest,
    ),
    Route(
        "run_tool",
        "v1/tools/{tool}/run/",
        "POST",
        run,
        "Run a sync tool inline (≤ 1 MB): multipart `file` and `parameters`, or JSON",
        body="multipart",
        response_model=ExecutionStatus,
    ),
    Route(
        "list_executions",
        "v1/executions/",
        "GET",
        executions.history,
        "History, newest first",
        query=("tool_name", "status", "limit", "cursor"),
    ),
    Route(
        "bulk_delete_executions",
        "v1/executions/bulk-delete/",
        "POST",
        executions.bulk_delete,
        "Delete several jobs",
        body="json",
        request_model=BulkDeleteRequest,
    ),
    Route(
        "execution_status",
        "v1/executions/{id}/status/",
        "GET",
        executions.status,
        "Job status",
        response_model=ExecutionStatus,
    ),
    Route(
        "refresh_uploads",
        "v1/executions/{id}/uploads/refresh/",
        "POST",
        executions.refresh_uploads,
        "Fresh upload SAS URLs for a pending job whose upload outlasts its SAS",
    ),
    Route(
        "execution_download",
        "v1/executions/{id}/download/",
        "GET",
        executions.download,
        "302 to a read-only SAS (`?redirect=false`: the URL as JSON). With the signed "
        "`tenant`, `expires` and `signature` of a status's downloadUrl no key is needed",
        success=302,
        # The handler checks the key itself unless the request carries a signed link.
        authenticated=False,
        query=("redirect", "tenant", "expires", "signature"),
    ),
    Route(
        "delete_execution",
        "v1/executions/{id}/",
        "DELETE",
        executions.delete,
        "Delete a job and its blobs",
        success=204,
    ),
    Route(
        "webhook_secret",
        "v1/webhook-secret/",
        "GET",
        account.webhook_secret,
        "The tenant's webhook signing secret (whsec_...), created on first use",
    ),
    Route(
        "rotate_webhook_secret",
        "v1/webhook-secret/rotate/",
        "POST",
        account.rotate_webhook_secret,
        "A new webhook secret; the old one keeps signing for 24 h",
    ),
    Route(
        "admin_stats",
        "v1/admin/stats/",
        "GET",
        admin.stats,
        "Operations: the last hour's jobs, timings, queue age and webhooks (admin keys)",
        scope=ADMIN,
    ),
)
