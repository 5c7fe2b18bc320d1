"""Health, readiness and the OpenAPI document."""

from __future__ import annotations

from typing import Any

from shared.context import Services
from shared.http import ApiRequest, ApiResponse, Caller, json_response
from shared.naming import JOBS_TABLE
from shared.views import BulkDeleteRequest, ExecutionStatus, JobRequest, UploadRequest

__all__ = ["health", "openapi", "ready"]


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


def _schema(model: Any) -> dict[str, Any]:
    return dict(model.model_json_schema(by_alias=True, ref_template="#/components/schemas/{model}"))


def openapi(services: Services, request: ApiRequest, caller: Caller) -> ApiResponse:
    models = {
        "UploadRequest": UploadRequest,
        "JobRequest": JobRequest,
        "BulkDeleteRequest": BulkDeleteRequest,
        "ExecutionStatus": ExecutionStatus,
    }
    schemas: dict[str, Any] = {}
    for name, model in models.items():
        schema = _schema(model)
        schemas.update(schema.pop("$defs", {}))
        schemas[name] = schema

    def ref(name: str) -> dict[str, Any]:
        return {
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}}
        }

    tool = {"name": "tool", "in": "path", "required": True, "schema": {"type": "string"}}
    ident = {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}

    def op(
        summary: str, status: str, params: list[Any] | None = None, body: str | None = None
    ) -> dict[str, Any]:
        operation: dict[str, Any] = {
            "summary": summary,
            "parameters": params or [],
            "responses": {status: {"description": summary}},
        }
        if body:
            operation["requestBody"] = ref(body)
        return operation

    paths = {
        "/v1/tools/": {"get": op("The tool catalog", "200")},
        "/v1/tools/{tool}/uploads/": {
            "post": op("Create a job; get upload SAS URLs", "201", [tool], "UploadRequest")
        },
        "/v1/tools/{tool}/convert/": {
            "post": op("Multipart upload: `file`, optional `parameters` JSON", "201", [tool])
        },
        "/v1/tools/{tool}/jobs/": {"post": op("A no-file job", "201", [tool], "JobRequest")},
        "/v1/tools/{tool}/run/": {"post": op("Run a sync tool inline (≤ 1 MB)", "200", [tool])},
        "/v1/executions/": {"get": op("History, newest first", "200")},
        "/v1/executions/{id}/status/": {"get": op("Job status", "200", [ident])},
        "/v1/executions/{id}/download/": {"get": op("302 to a read-only SAS", "302", [ident])},
        "/v1/executions/{id}/": {"delete": op("Delete a job and its blobs", "204", [ident])},
        "/v1/executions/bulk-delete/": {
            "post": op("Delete several jobs", "200", body="BulkDeleteRequest")
        },
    }
    document = {
        "openapi": "3.1.0",
        "info": {"title": "MagicToolbox API", "version": "1.0"},
        "servers": [{"url": request.api_base}],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "apiKey": {"type": "apiKey", "in": "header", "name": "X-API-Key"},
                "bearer": {"type": "http", "scheme": "bearer"},
            },
        },
        "security": [{"apiKey": []}, {"bearer": []}],
    }
    return json_response(200, document)
