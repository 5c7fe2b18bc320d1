"""HTTP handlers under /api/v1/tools/: the catalog, uploads (SAS), convert, no-file jobs."""

from __future__ import annotations

import functools
import json
from typing import Any

from processors.base import Tool
from processors.registry import all_tools
from shared.api.http import (
    ApiRequest,
    ApiResponse,
    Caller,
    json_response,
    parse_body,
    request_parameters,
)
from shared.api.multipart import check_request
from shared.api.views import JobRequest, UploadRequest
from shared.context import Services
from shared.errors import BadRequestError, TooLargeError
from shared.jobs import Job
from shared.naming import uploads_container
from shared.pipeline import webhooks
from shared.pipeline.submit import create_file_job, create_queued_job, find_tool, validated_params
from shared.pipeline.validation import DeclaredFile, check_declared_files

__all__ = ["catalog", "convert", "create_job", "create_upload", "upload_targets"]

BLOB_HEADERS = {"x-ms-blob-type": "BlockBlob"}


def catalog(services: Services, request: ApiRequest, caller: Caller) -> ApiResponse:
    return ApiResponse(200, _catalog_body(), {"Cache-Control": "public, max-age=300"})


@functools.cache
def _catalog_body() -> bytes:
    """Built once per process: every tool's JSON Schema is work, and the catalog is fixed."""
    tools = [tool.describe() for tool in all_tools()]
    return json_response(200, {"count": len(tools), "results": tools}).body


def _status_url(request: ApiRequest, execution_id: str) -> str:
    return f"{request.api_base}/v1/executions/{execution_id}/status/"


def create_upload(services: Services, request: ApiRequest, caller: Caller) -> ApiResponse:
    tool = find_tool(request.route["tool"])
    body: UploadRequest = parse_body(request, UploadRequest)
    try:
        declared = body.declared()
    except ValueError as exc:
        raise BadRequestError(str(exc), code="invalid_body") from None
    check_declared_files(tool, declared, max_upload_bytes=services.settings.max_upload_bytes)
    parameters = validated_params(tool, body.parameters)
    job = create_file_job(
        services,
        tool,
        tenant=caller.tenant,
        files=declared,
        parameters=parameters,
        webhook_url=webhooks.checked_url(services, body.webhook_url),
        api_base=request.api_base,
    )
    uploads = upload_targets(services, job)
    answer: dict[str, Any] = {
        "executionId": job.execution_id,
        "status": str(job.status),
        "statusUrl": _status_url(request, job.execution_id),
    }
    if tool.max_files > 1:
        answer["uploads"] = uploads
    else:
        answer["upload"] = uploads[0]
    return json_response(201, answer)


def upload_targets(services: Services, job: Job) -> list[dict[str, Any]]:
    """One write-only SAS target per input file, valid until the job's upload window ends."""
    assert job.upload_expires_at is not None
    container = uploads_container(job.category)
    return [
        {
            "filename": f.filename,
            "url": services.sas.upload_url(container, f.blob, expires_at=job.upload_expires_at),
            "method": "PUT",
            "headers": BLOB_HEADERS,
            "expiresAt": job.upload_expires_at.isoformat(),
        }
        for f in job.inputs
    ]


def convert(services: Services, request: ApiRequest, caller: Caller) -> ApiResponse:
    """Multipart upload through the API (small files, curl): stored, then the normal path.

    Tool parameters come as a JSON `parameters` field, as separate form fields
    (`-F outputFormat=png`), or both; a field the tool does not know is refused by name.
    """
    check_request(request)
    if request.file is None:
        raise BadRequestError("Send the file as multipart/form-data field `file`")
    tool = find_tool(request.route["tool"])
    upload = request.file
    limit = services.settings.convert_max_bytes
    if upload.size > limit:
        raise TooLargeError(
            f"/convert/ takes files up to {limit} bytes; use /uploads/ (a SAS upload) for larger",
            details={"maxFileSize": limit},
        )
    declared = [DeclaredFile(filename=upload.filename or "upload", size=upload.size)]
    check_declared_files(tool, declared, max_upload_bytes=services.settings.max_upload_bytes)
    parameters = validated_params(tool, form_parameters(tool, request))
    job = create_file_job(
        services,
        tool,
        tenant=caller.tenant,
        files=declared,
        parameters=parameters,
        webhook_url=webhooks.checked_url(services, request.form.get("webhookUrl") or None),
        api_base=request.api_base,
    )
    blob = services.storage.blob_service.get_blob_client(
        uploads_container(job.category), job.inputs[0].blob
    )
    # In 4 MB blocks (the storage client's chunk size), from the spooled form part.
    blob.upload_blob(upload.open(), length=upload.size, overwrite=True, max_concurrency=2)
    return json_response(
        201,
        {
            "executionId": job.execution_id,
            "status": str(job.status),
            "message": "File received; processing starts shortly",
            "statusUrl": _status_url(request, job.execution_id),
        },
    )


CONVERT_FIELDS = frozenset({"file", "parameters", "webhookUrl"})


def form_parameters(tool: Tool[Any], request: ApiRequest) -> dict[str, Any] | None:
    """`parameters` (JSON) merged with one form field per parameter; 400 naming unknown
    fields. Field values are text: the tool's model converts numbers and booleans, and a
    value that looks like a JSON list or object is read as one."""
    raw = request_parameters(request)
    known: set[str] = set()
    for name, spec in tool.Params.model_fields.items():
        known |= {name, spec.alias or name}
    extra = {k: v for k, v in request.form.items() if k not in CONVERT_FIELDS}
    unknown = sorted(k for k in extra if k not in known)
    if unknown:
        raise BadRequestError(
            f"Unknown form fields for {tool.name}: {', '.join(unknown)}",
            details={"unknownFields": unknown, "known": sorted(CONVERT_FIELDS | known)},
            code="unknown_fields",
        )
    if not extra:
        return raw
    merged: dict[str, Any] = dict(raw or {})
    for key, value in extra.items():
        merged[key] = _form_value(value)
    return merged


def _form_value(value: str) -> Any:
    if value.startswith(("[", "{")):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def create_job(services: Services, request: ApiRequest, caller: Caller) -> ApiResponse:
    tool = find_tool(request.route["tool"])
    if tool.takes_files:
        raise BadRequestError(
            f"Tool {tool.name} needs files: POST /api/v1/tools/{tool.name}/uploads/ instead",
            code="files_expected",
        )
    body: JobRequest = parse_body(request, JobRequest)
    parameters = validated_params(tool, body.parameters)
    job = create_queued_job(
        services,
        tool,
        tenant=caller.tenant,
        parameters=parameters,
        webhook_url=webhooks.checked_url(services, body.webhook_url),
        api_base=request.api_base,
    )
    return json_response(
        201,
        {
            "executionId": job.execution_id,
            "status": str(job.status),
            "statusUrl": _status_url(request, job.execution_id),
        },
    )
