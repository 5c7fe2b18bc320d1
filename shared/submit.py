"""Creating jobs: the records and storage writes behind uploads, convert and no-file jobs."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from azure.core.exceptions import AzureError

from processors.base import Tool
from processors.errors import InvalidInputError
from processors.registry import get_tool
from shared.context import Services
from shared.errors import ApiError, BadRequestError, NotFoundError
from shared.jobs import InputFile, Job
from shared.naming import new_execution_id, queue_name, safe_filename, upload_blob_name
from shared.states import JobStatus
from shared.validation import DeclaredFile

__all__ = ["create_file_job", "create_queued_job", "find_tool", "validated_params"]

log = logging.getLogger(__name__)


class ServiceUnavailableError(ApiError):
    status = 503
    default_code = "unavailable"


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
    tenant: str,
    files: Sequence[DeclaredFile],
    parameters: dict[str, Any],
) -> Job:
    """A `pending` job waiting for its files, with one upload blob name per file."""
    now = services.clock()
    execution_id = new_execution_id()
    indexed = tool.max_files > 1
    inputs = [
        InputFile(
            filename=safe_filename(f.filename),
            size=f.size,
            blob=upload_blob_name(tenant, execution_id, f.filename, i if indexed else None),
        )
        for i, f in enumerate(files)
    ]
    job = Job(
        execution_id=execution_id,
        tenant=tenant,
        tool=tool.name,
        category=str(tool.category),
        parameters=parameters,
        inputs=inputs,
        created_at=now,
        input_size=sum(f.size for f in files),
        upload_expires_at=now + timedelta(minutes=services.settings.upload_sas_minutes),
    )
    try:
        return services.jobs.create(job)
    except AzureError:
        log.exception("could not create job %s", execution_id)
        raise ServiceUnavailableError("Storage is unavailable; try again") from None


def create_queued_job(
    services: Services, tool: Tool[Any], tenant: str, parameters: dict[str, Any]
) -> Job:
    """A no-file job: recorded `queued` and its message sent at once."""
    now = services.clock()
    job = Job(
        execution_id=new_execution_id(),
        tenant=tenant,
        tool=tool.name,
        category=str(tool.category),
        parameters=parameters,
        created_at=now,
        queued_at=now,
        status=JobStatus.QUEUED,
    )
    try:
        created = services.jobs.create(job)
        enqueue(services, created)
    except AzureError:
        log.exception("could not queue job %s", job.execution_id)
        raise ServiceUnavailableError("Storage is unavailable; try again") from None
    return created


def enqueue(services: Services, job: Job) -> None:
    message = {"executionId": job.execution_id, "tenant": job.tenant, "tool": job.tool}
    services.storage.queue(queue_name(job.category)).send_message(json.dumps(message))
    log.info("job %s: message sent to %s", job.execution_id, queue_name(job.category))
