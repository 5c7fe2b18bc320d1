"""A blob arrived in `{category}-uploads`: check it, then queue its job (or fail it).

Reads only the blob's properties and first bytes. Multi-file jobs record each arrival on
the job with compare-and-swap and queue when the last file is in. Events come at least
once: a second event for the same blob finds the job past `pending` (or the file already
recorded) and does nothing.
"""

from __future__ import annotations

import logging

from azure.storage.blob import BlobClient

from processors.formats import SNIFF_BYTES
from processors.registry import get_tool
from shared import tracing
from shared.context import Services
from shared.errors import PermanentError
from shared.jobs import Job
from shared.naming import parse_upload_blob
from shared.pipeline.lifecycle import dispatch, fail, record_arrival
from shared.pipeline.validation import check_arrival
from shared.states import JobStatus

__all__ = ["ingest_blob"]

log = logging.getLogger(__name__)


def ingest_blob(services: Services, client: BlobClient) -> None:
    ref = parse_upload_blob(client.blob_name)
    if ref is None:
        log.warning("ignored upload with an unexpected name in %s", client.container_name)
        return
    job = services.jobs.get(ref.tenant, ref.execution_id)
    if job is None:
        log.warning("job %s: upload for an unknown job; blob deleted", ref.execution_id)
        client.delete_blob(delete_snapshots="include")
        return
    with tracing.scope("ingest", traceparent=job.traceparent, execution_id=job.execution_id):
        _ingest(services, client, job)


def _ingest(services: Services, client: BlobClient, job: Job) -> None:
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
        head, size = _head_and_size(client)
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

    updated = record_arrival(services, job, index=index, size=size)
    if updated is not None and all(f.arrived for f in updated.inputs):
        dispatch(services, updated)


def _head_and_size(client: BlobClient) -> tuple[bytes, int]:
    """The first SNIFF_BYTES and the blob's whole size, in one ranged read."""
    stream = client.download_blob(offset=0, length=SNIFF_BYTES)
    head = stream.readall()
    content_range = stream.properties.content_range  # "bytes 0-8191/<whole size>"
    if content_range and "/" in content_range:
        return head, int(content_range.rsplit("/", 1)[1])
    return head, int(client.get_blob_properties().size)
