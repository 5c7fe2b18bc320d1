"""HTTP handlers under /api/v1/executions/: status, download, history, delete."""

from __future__ import annotations

import hashlib
import itertools
import logging
from datetime import timedelta
from typing import Any
from urllib.parse import quote

from shared.api import cursors
from shared.api.http import ApiRequest, ApiResponse, Caller, json_response, parse_body
from shared.api.tools import upload_targets
from shared.api.views import BulkDeleteRequest, status_view
from shared.auth import authenticate
from shared.context import Services
from shared.errors import BadRequestError, ConflictError, ForbiddenError, GoneError, NotFoundError
from shared.jobs import Job
from shared.links import LinkSigner
from shared.naming import is_execution_id, processed_container, safe_filename
from shared.pipeline import lifecycle
from shared.states import JobStatus

__all__ = ["bulk_delete", "delete", "download", "history", "refresh_uploads", "status", "view"]

log = logging.getLogger(__name__)
MAX_LIMIT = 50
DEFAULT_LIMIT = 10
MAX_UPLOAD_TIME = timedelta(hours=24)
"""However often it is refreshed, a job's upload window ends this long after its creation."""


def _job(services: Services, caller: Caller, execution_id: str) -> Job:
    """The caller's own job; another tenant's job is as unknown as a missing one."""
    job = is_execution_id(execution_id) and services.jobs.get(caller.tenant, execution_id)
    if not job:
        raise NotFoundError("No such execution")
    return job


def view(services: Services, request: ApiRequest, job: Job) -> dict[str, Any]:
    """The status object, its downloadUrl a signed link that works without the key."""
    return status_view(job, api_base=request.api_base, links=services.links, now=services.clock())


def status(services: Services, request: ApiRequest, caller: Caller) -> ApiResponse:
    """The job's status; 304 without a body when the poller's `If-None-Match` still holds."""
    job = _job(services, caller, request.route["id"])
    answer = json_response(200, view(services, request, job))
    etag = '"' + hashlib.blake2b(answer.body, digest_size=12).hexdigest() + '"'
    # no-cache: a browser keeps the answer but asks again every time, sending the ETag.
    headers = {"ETag": etag, "Cache-Control": "private, no-cache"}
    if etag in _if_none_match(request):
        return ApiResponse(304, b"", headers)
    return ApiResponse(200, answer.body, headers)


def _if_none_match(request: ApiRequest) -> list[str]:
    value = next((v for k, v in request.headers.items() if k.lower() == "if-none-match"), "")
    return [tag.strip().removeprefix("W/") for tag in value.split(",") if tag.strip()]


def _download_job(services: Services, request: ApiRequest) -> Job:
    """The job a download asks for: by its signed link (no key), or by the caller's key."""
    execution_id = request.route["id"]
    if LinkSigner.is_signed(request.params):
        link = services.links.verify(execution_id, request.params, now=services.clock())
        if link is None:
            raise ForbiddenError(
                "This download link is invalid or has expired; ask for the status again",
                code="invalid_link",
            )
        return _job(services, Caller(link.tenant, ""), execution_id)
    tenant, key = authenticate(request.headers, services.keys)
    services.rate_limiter.check(key)
    return _job(services, Caller(tenant, key), execution_id)


def download(services: Services, request: ApiRequest, caller: Caller) -> ApiResponse:
    job = _download_job(services, request)
    if job.status == JobStatus.EXPIRED:
        raise GoneError("The output has expired and was deleted")
    if job.status != JobStatus.COMPLETED or not job.output_blob:
        raise NotFoundError(f"The output is not ready (status {job.status})", code="not_ready")
    if job.expires_at is not None and job.expires_at <= services.clock():
        # Past its retention the output is gone for the caller, swept or not yet.
        raise GoneError("The output has expired and was deleted")
    output = services.storage.blob_service.get_blob_client(
        processed_container(job.category), job.output_blob
    )
    if not output.exists():
        raise GoneError("The output is no longer stored")
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


def refresh_uploads(services: Services, request: ApiRequest, caller: Caller) -> ApiResponse:
    """Fresh upload SAS URLs for a job still waiting for its files: a long upload asks for
    them shortly before its SAS expires and goes on with the next block."""
    job = _job(services, caller, request.route["id"])
    if job.status != JobStatus.PENDING:
        raise ConflictError(
            f"The job is no longer waiting for its files (status {job.status})", code="not_pending"
        )
    now = services.clock()
    if job.upload_expires_at is None or job.upload_expires_at <= now:
        raise GoneError("The upload window has closed; start a new job", code="upload_expired")
    limit = job.created_at + MAX_UPLOAD_TIME
    if job.upload_expires_at >= limit:
        raise GoneError("The upload has taken too long; start a new job", code="upload_expired")
    until = min(now + timedelta(minutes=services.settings.upload_sas_minutes), limit)
    extended = lifecycle.extend_upload(services, job, until=until)
    if extended is None:
        raise ConflictError("The job is no longer waiting for its files", code="not_pending")
    assert extended.upload_expires_at is not None
    return json_response(
        200,
        {
            "executionId": extended.execution_id,
            "expiresAt": extended.upload_expires_at.isoformat(),
            "uploads": upload_targets(services, extended),
        },
        headers={"Cache-Control": "no-store"},
    )


def _int(request: ApiRequest, name: str, default: int) -> int:
    try:
        value = int(request.params.get(name, default))
    except ValueError:
        raise BadRequestError(f"{name} must be a whole number", code="invalid_query") from None
    if value < 0:
        raise BadRequestError(f"{name} must not be negative", code="invalid_query")
    return value


def history(services: Services, request: ApiRequest, caller: Caller) -> ApiResponse:
    """One page of the caller's executions, newest first, in one table read (see docs/api.md).

    `next` and `previous` carry an opaque cursor: where the page starts (the row key after
    which to read) and where the pages before it started, so a page never reads the ones
    before it. `count` is exact once the last page is reached; before that it counts the
    executions up to this page and `approximate` is true.
    """
    limit = min(_int(request, "limit", DEFAULT_LIMIT), MAX_LIMIT) or 1
    tool, state = request.params.get("tool_name"), request.params.get("status")
    if state and state not in {s.value for s in JobStatus}:
        raise BadRequestError(f"unknown status {state!r}", code="invalid_query")
    position = cursors.decode(request.params.get("cursor"))
    offset = _int(request, "offset", 0)  # the old paging, kept for clients that still send it
    if offset and not position.after:
        jobs = services.jobs.history(caller.tenant, tool=tool, status=state, page_size=limit + 1)
        page = list(itertools.islice(jobs, offset, offset + limit + 1))
    else:
        page = services.jobs.page(
            caller.tenant, size=limit + 1, tool=tool, status=state, after=position.after
        )
    more, page = len(page) > limit, page[:limit]
    base = f"{request.api_base}/v1/executions/?limit={limit}"
    base += f"&tool_name={quote(tool)}" if tool else ""
    base += f"&status={state}" if state else ""
    following = position.following(page[-1].row_key, len(page)) if more else None
    if offset and not position.after:  # from an offset page, `previous` leads to the first
        position = cursors.Position(shown=offset)
        following = cursors.Position(page[-1].row_key, offset + len(page)) if more else None
    preceding = position.preceding()
    return json_response(
        200,
        {
            "count": position.shown + len(page),
            "approximate": more,
            "next": f"{base}&cursor={cursors.encode(following)}" if following else None,
            "previous": _link(base, preceding),
            "results": [view(services, request, j) for j in page],
        },
    )


def _link(base: str, position: cursors.Position | None) -> str | None:
    if position is None:
        return None
    return f"{base}&cursor={cursors.encode(position)}" if position.after else base


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
