"""A blob arrived in `{category}-uploads`: check it, then queue its job (or fail it).

Reads only the blob's properties and first bytes. Multi-file jobs record each arrival on
the job with compare-and-swap and queue when the last file is in. Events come at least
once: a second event for the same blob finds the job past `pending` (or the file already
recorded) and does nothing.
"""

from __future__ import annotations

import contextlib
import logging
from typing import Any

from azure.core.exceptions import ResourceNotFoundError
from azure.storage.blob import BlobClient

from processors.formats import SNIFF_BYTES
from processors.registry import get_tool
from shared.context import Services
from shared.errors import PermanentError
from shared.jobs import Job
from shared.naming import parse_upload_blob, uploads_container
from shared.states import JobStatus
from shared.submit import enqueue
from shared.validation import check_arrival

__all__ = ["delete_uploads", "dispatch", "ingest_blob", "mark_queued"]

log = logging.getLogger(__name__)


def delete_uploads(services: Services, job: Job) -> None:
    container = services.storage.blob_service.get_container_client(uploads_container(job.category))
    for upload in job.inputs:
        with contextlib.suppress(ResourceNotFoundError):
            container.delete_blob(upload.blob)


def fail(services: Services, job: Job, message: str, code: str) -> None:
    def decide(current: Job) -> tuple[JobStatus, dict[str, Any]] | None:
        if current.status not in (JobStatus.PENDING, JobStatus.QUEUED, JobStatus.PROCESSING):
            return None
        now = services.clock()
        retention = services.settings.retention(current.category)
        return JobStatus.FAILED, {
            "error": message,
            "error_code": code,
            "completed_at": now,
            "expires_at": now + retention,
        }

    if services.jobs.update(job.tenant, job.execution_id, decide) is not None:
        log.info("job %s failed: %s", job.execution_id, code)
    delete_uploads(services, job)


def ingest_blob(services: Services, client: BlobClient) -> None:
    ref = parse_upload_blob(client.blob_name)
    if ref is None:
        log.warning("ignored upload with an unexpected name in %s", client.container_name)
        return
    job = services.jobs.get(ref.tenant, ref.execution_id)
    if job is None:
        log.warning("job %s: upload for an unknown job; blob deleted", ref.execution_id)
        client.delete_blob()
        return
    if job.status != JobStatus.PENDING:
        log.info("job %s: ignored event for a job already %s", job.execution_id, job.status)
        return
    index = next((i for i, f in enumerate(job.inputs) if f.blob == client.blob_name), None)
    tool = get_tool(job.tool)
    if index is None or tool is None:
        log.warning("job %s: blob does not belong to the job; ignored", job.execution_id)
        return

    declared = job.inputs[index]
    try:
        size = int(client.get_blob_properties().size)
        head = (
            client.download_blob(offset=0, length=min(SNIFF_BYTES, size)).readall() if size else b""
        )
        if size == 0:
            raise PermanentError(f"{declared.filename} is empty", code="empty_file")
        check_arrival(
            tool,
            declared.filename,
            head,
            actual_size=size,
            limit=services.settings.max_upload_bytes,
        )
    except PermanentError as exc:
        fail(services, job, exc.message, exc.code)
        return

    def record_arrival(current: Job) -> tuple[JobStatus, dict[str, Any]] | None:
        if current.status != JobStatus.PENDING:
            return None
        inputs = [f.model_copy() for f in current.inputs]
        inputs[index].arrived, inputs[index].size = True, size
        return JobStatus.PENDING, {"inputs": inputs, "input_size": sum(f.size for f in inputs)}

    updated = services.jobs.update(job.tenant, job.execution_id, record_arrival)
    if updated is not None and all(f.arrived for f in updated.inputs):
        dispatch(services, updated)


def dispatch(services: Services, job: Job) -> Job | None:
    """Send the job's message, then mark it `queued`.

    In this order a crash in between leaves a `pending` job whose files have all arrived and
    that has a message, which the processor accepts, never a `queued` job without one. If the
    message is lost as well, the sweep finds the job and dispatches it again.
    """
    enqueue(services, job)
    return mark_queued(services, job)


def mark_queued(services: Services, job: Job) -> Job | None:
    return services.jobs.update(
        job.tenant,
        job.execution_id,
        lambda j: (
            (JobStatus.QUEUED, {"queued_at": services.clock()})
            if j.status == JobStatus.PENDING
            else None
        ),
    )
