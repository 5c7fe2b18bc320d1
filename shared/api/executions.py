"""HTTP handlers under /api/v1/executions/: status, download, history, delete."""

from __future__ import annotations

import logging

from shared.api.http import ApiRequest, ApiResponse, Caller, json_response, parse_body
from shared.api.views import BulkDeleteRequest, status_view
from shared.context import Services
from shared.errors import BadRequestError, GoneError, NotFoundError
from shared.jobs import Job
from shared.naming import is_execution_id, processed_container, safe_filename
from shared.pipeline import lifecycle
from shared.states import JobStatus

__all__ = ["bulk_delete", "delete", "download", "history", "status"]

log = logging.getLogger(__name__)
MAX_LIMIT = 50


def _job(services: Services, caller: Caller, execution_id: str) -> Job:
    """The caller's own job; another tenant's job is as unknown as a missing one."""
    job = is_execution_id(execution_id) and services.jobs.get(caller.tenant, execution_id)
    if not job:
        raise NotFoundError("No such execution")
    return job


def status(services: Services, request: ApiRequest, caller: Caller) -> ApiResponse:
    job = _job(services, caller, request.route["id"])
    return json_response(200, status_view(job, api_base=request.api_base))


def download(services: Services, request: ApiRequest, caller: Caller) -> ApiResponse:
    job = _job(services, caller, request.route["id"])
    if job.status == JobStatus.EXPIRED:
        raise GoneError("The output has expired and was deleted")
    if job.status != JobStatus.COMPLETED or not job.output_blob:
        raise NotFoundError(f"The output is not ready (status {job.status})", code="not_ready")
    filename = safe_filename(job.output_filename or "output", default="output")
    url = services.sas.download_url(
        processed_container(job.category), job.output_blob, filename=filename
    )
    if request.params.get("redirect", "").lower() in ("false", "0", "no"):
        # For browsers: a fetch cannot hand a followed redirect to the download manager, so
        # the page asks for the URL and navigates to it, streaming to disk, not to memory.
        minutes = services.settings.download_sas_minutes
        answer = {"url": url, "filename": filename, "expiresInSeconds": minutes * 60}
        return json_response(200, answer, headers={"Cache-Control": "no-store"})
    return ApiResponse(302, b"", {"Location": url, "Cache-Control": "no-store"})


def _int(request: ApiRequest, name: str, default: int) -> int:
    try:
        value = int(request.params.get(name, default))
    except ValueError:
        raise BadRequestError(f"{name} must be a whole number", code="invalid_query") from None
    if value < 0:
        raise BadRequestError(f"{name} must not be negative", code="invalid_query")
    return value


def history(services: Services, request: ApiRequest, caller: Caller) -> ApiResponse:
    limit = min(_int(request, "limit", 20), MAX_LIMIT) or 1
    offset = _int(request, "offset", 0)
    tool, state = request.params.get("tool_name"), request.params.get("status")
    if state and state not in {s.value for s in JobStatus}:
        raise BadRequestError(f"unknown status {state!r}", code="invalid_query")
    # The whole (retention-bounded) history is read to give an exact count.
    everything = list(services.jobs.history(caller.tenant, tool=tool, status=state))
    page = everything[offset : offset + limit]
    base = f"{request.api_base}/v1/executions/?limit={limit}"
    base += f"&tool_name={tool}" if tool else ""
    base += f"&status={state}" if state else ""
    results = [status_view(j, api_base=request.api_base) for j in page]
    return json_response(
        200,
        {
            "count": len(everything),
            "next": f"{base}&offset={offset + limit}" if offset + limit < len(everything) else None,
            "previous": f"{base}&offset={max(0, offset - limit)}" if offset else None,
            "results": results,
        },
    )


def delete(services: Services, request: ApiRequest, caller: Caller) -> ApiResponse:
    lifecycle.remove(services, _job(services, caller, request.route["id"]))
    return ApiResponse(204)


def bulk_delete(services: Services, request: ApiRequest, caller: Caller) -> ApiResponse:
    body: BulkDeleteRequest = parse_body(request, BulkDeleteRequest)
    deleted, errors = [], []
    for execution_id in dict.fromkeys(body.execution_ids):
        try:
            lifecycle.remove(services, _job(services, caller, execution_id))
            deleted.append(execution_id)
        except NotFoundError:
            errors.append({"executionId": execution_id, "error": "not found"})
        except Exception:
            log.exception("job %s: delete failed", execution_id)
            errors.append({"executionId": execution_id, "error": "delete failed"})
    return json_response(
        200,
        {"deleted": len(deleted), "failed": len(errors), "deletedIds": deleted, "errors": errors},
    )
