"""The status object: what the API answers for a job and what its webhook events carry.

`downloadUrl` is a signed link (`shared.links`) when a signer is given, so it works in an
`<a href>` or curl without the API key until it expires; the API-key route is the same
path without the signature.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel

from shared.jobs import Job
from shared.links import LinkSigner
from shared.states import JobStatus

__all__ = ["ExecutionStatus", "WebhookView", "status_view"]


class _Camel(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)


class WebhookView(_Camel):
    url: str
    status: str | None
    """queued, retrying, delivered or failed (None before the job finished)."""
    attempts: int
    message: str | None
    """Why the last attempt failed, e.g. `webhook: failed after 5 attempts (last: HTTP 500)`."""


class ExecutionStatus(_Camel):
    id: str
    """The same value as executionId."""
    execution_id: str
    tool_name: str
    status: JobStatus
    progress: float
    current_step: str | None
    input_filename: str | None
    input_filenames: list[str]
    output_filename: str | None
    input_size: int | None
    output_size: int | None
    compression_ratio: float | None
    processing_time: float | None
    created_at: datetime
    started_at: datetime | None
    completed_at: datetime | None
    expires_at: datetime | None
    download_url: str | None
    error: str | None
    error_code: str | None
    parameters: dict[str, Any]
    webhook: WebhookView | None = None


def download_path(api_base: str, execution_id: str) -> str:
    return f"{api_base}/v1/executions/{execution_id}/download/"


def status_view(
    job: Job, *, api_base: str, links: LinkSigner | None = None, now: datetime | None = None
) -> dict[str, Any]:
    download = None
    if job.status == JobStatus.COMPLETED:
        download = download_path(api_base, job.execution_id)
        if links is not None and now is not None:
            download += "?" + links.query(job.execution_id, job.tenant, now=now)
    webhook = None
    if job.webhook_url:
        webhook = WebhookView(
            url=job.webhook_url,
            status=job.webhook_status,
            attempts=job.webhook_attempts,
            message=job.webhook_message or None,
        )
    view = ExecutionStatus(
        id=job.execution_id,
        execution_id=job.execution_id,
        tool_name=job.tool,
        status=job.status,
        progress=job.progress,
        current_step=job.current_step,
        input_filename=job.input_filename,
        input_filenames=[f.filename for f in job.inputs],
        output_filename=job.output_filename,
        input_size=job.input_size,
        output_size=job.output_size,
        compression_ratio=job.compression_ratio,
        processing_time=job.processing_time,
        created_at=job.created_at,
        started_at=job.started_at,
        completed_at=job.completed_at,
        expires_at=job.expires_at if job.status != JobStatus.PENDING else job.upload_expires_at,
        download_url=download,
        error=job.error,
        error_code=job.error_code,
        parameters=job.parameters,
        webhook=webhook,
    )
    return view.model_dump(mode="json", by_alias=True)
