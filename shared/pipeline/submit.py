"""Creating jobs: the records and storage writes behind uploads, convert and no-file jobs."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from azure.core.exceptions import AzureError

from processors.base import Tool
from processors.errors import InvalidInputError
from processors.registry import get_tool
from shared.context import Services
from shared.errors import BadRequestError, NotFoundError, storage_unavailable
from shared.jobs import InputFile, Job
from shared.naming import new_execution_id, safe_filename, upload_blob_name
from shared.pipeline import lifecycle
from shared.pipeline.validation import DeclaredFile
from shared.states import JobStatus

__all__ = ["create_file_job", "create_queued_job", "find_tool", "validated_params"]

log = logging.getLogger(__name__)


def find_tool(name: str) -> Tool[Any]:
    tool = get_tool(name)
    if tool is None:
        raise NotFoundError(f"No tool named {name!r}", code="unknown_tool")
    return tool


def validated_params(tool: Tool[Any], raw: dict[str, Any] | None) -> dict[str, Any]:
    """The parameters as the tool will see them (defaults filled in), or 400."""
    try:
        parsed = tool.parse_params(raw)
    except InvalidInputError as exc:
        raise BadRequestError(exc.message, code="invalid_parameters") from None
    return dict(parsed.model_dump(mode="json", by_alias=True))


def create_file_job(
    services: Services,
    tool: Tool[Any],
    *,
    tenant: str,
    files: Sequence[DeclaredFile],
    parameters: dict[str, Any],
    webhook_url: str | None = None,
    api_base: str | None = None,
) -> Job:
    """A `pending` job waiting for its files, with one upload blob name per file."""
    now = services.clock()
    execution_id = new_execution_id(now)
    indexed = tool.max_files > 1
    inputs = [
        InputFile(
            filename=safe_filename(f.filename),
            size=f.size,
            blob=upload_blob_name(tenant, execution_id, f.filename, i if indexed else None),
        )
        for i, f in enumerate(files)
    ]
    window = timedelta(minutes=services.settings.upload_sas_minutes)
    job = lifecycle.new_job(
        services,
        tool,
        tenant=tenant,
        parameters=parameters,
        execution_id=execution_id,
        inputs=inputs,
        upload_expires_at=now + window,
        created_at=now,
        webhook_url=webhook_url,
        api_base=api_base,
    )
    return lifecycle.create(services, job)


def create_queued_job(
    services: Services,
    tool: Tool[Any],
    *,
    tenant: str,
    parameters: dict[str, Any],
    webhook_url: str | None = None,
    api_base: str | None = None,
) -> Job:
    """A no-file job: recorded `queued` and its message sent at once."""
    job = lifecycle.new_job(
        services,
        tool,
        tenant=tenant,
        parameters=parameters,
        status=JobStatus.QUEUED,
        webhook_url=webhook_url,
        api_base=api_base,
    )
    created = lifecycle.create(services, job)
    try:
        lifecycle.enqueue(services, created, with_record=True)
    except AzureError:
        log.exception("could not queue job %s", job.execution_id)
        raise storage_unavailable() from None
    return created
