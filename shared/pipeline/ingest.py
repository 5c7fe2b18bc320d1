"""A blob arrived in `{category}-uploads`: check it, then queue its job (or fail it).

Reads only the blob's properties and first bytes; only block blobs are accepted, and the
ETag of the version checked is recorded on the job for the processor's If-Match download.
Each arrival is one compare-and-swap write, which also makes the job `queued` when it brings
the last file in; then the message is sent. Events come at least once: a second event for
the version checked finds the job past `pending` and, while the job is still `queued`,
sends its message again (the first attempt may have died between the write and the send;
the processor ignores a duplicate); a blob written after the job left `pending` was never
checked and is deleted.
"""

from __future__ import annotations

import contextlib
import logging

from azure.core import MatchConditions
from azure.core.exceptions import ResourceModifiedError, ResourceNotFoundError
from azure.storage.blob import BlobClient, BlobType

from processors.formats import SNIFF_BYTES
from processors.registry import get_tool
from shared import tracing
from shared.context import Services
from shared.errors import PermanentError
from shared.jobs import Job
from shared.naming import parse_upload_blob
from shared.pipeline.lifecycle import enqueue, fail, record_arrival
from shared.pipeline.validation import check_arrival
from shared.states import TERMINAL, JobStatus

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
        _delete(client)
        return
    with tracing.scope("ingest", traceparent=job.traceparent, execution_id=job.execution_id):
        _ingest(services, client, job)


def _ingest(services: Services, client: BlobClient, job: Job) -> None:
    if job.status != JobStatus.PENDING:
        _late_upload(services, job, client)
        return
    index = next((i for i, f in enumerate(job.inputs) if f.blob == client.blob_name), None)
    tool = get_tool(job.tool)
    if index is None or tool is None:
        log.warning("job %s: blob does not belong to the job; ignored", job.execution_id)
        return

    declared = job.inputs[index]
    try:
        head, size, blob_type, etag = _head(client)
        if blob_type != BlobType.BLOCKBLOB:
            raise PermanentError(
                f"{declared.filename} was not uploaded as a block blob: upload it with "
                "PUT and the header x-ms-blob-type: BlockBlob",
                code="invalid_upload",
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
    except ResourceModifiedError:
        log.info(
            "job %s: upload changed while being checked; its next event checks it", job.execution_id
        )
        return
    except PermanentError as exc:
        fail(services, job, exc.message, exc.code)
        return

    updated = record_arrival(services, job, index=index, size=size, etag=etag)
    if updated is not None and updated.status == JobStatus.QUEUED:
        enqueue(services, updated, with_record=True)


def _head(client: BlobClient) -> tuple[bytes, int, str, str]:
    """The first SNIFF_BYTES, the whole size, the blob type and the ETag, in one ranged read:
    all of one version, so what is checked here is what the processor downloads (If-Match
    on the recorded ETag)."""
    stream = client.download_blob(offset=0, length=SNIFF_BYTES)
    head = stream.readall()
    properties = stream.properties
    content_range = properties.content_range  # "bytes 0-8191/<whole size>"
    if content_range and "/" in content_range:
        size = int(content_range.rsplit("/", 1)[1])
    else:
        size = int(
            client.get_blob_properties(
                etag=properties.etag, match_condition=MatchConditions.IfNotModified
            ).size
        )
    return head, size, properties.blob_type, properties.etag


def _late_upload(services: Services, job: Job, client: BlobClient) -> None:
    """A blob event for a job past `pending`.

    The upload SAS stays valid after ingest checked the file. An event for the version that
    was checked is a duplicate or the retry of an attempt that failed after its write: while
    the job is `queued` its message is sent again (it may never have gone out), otherwise the
    event is ignored. Any other version was written afterwards and was never checked, so it
    is deleted (the processor would refuse it anyway: it downloads only the checked
    version). A finished job's uploads are all gone: anything there is late.
    """
    if job.status not in TERMINAL:
        checked = next((f.etag for f in job.inputs if f.blob == client.blob_name), None)
        try:
            current = client.get_blob_properties().etag
        except ResourceNotFoundError:
            return
        if checked is not None and current == checked and job.status == JobStatus.QUEUED:
            log.info("job %s: event again for a queued job; message sent again", job.execution_id)
            enqueue(services, job, with_record=True)
            return
        if checked is None or current == checked:
            log.info("job %s: ignored event for a job already %s", job.execution_id, job.status)
            return
    log.warning(
        "job %s: upload written after the job was %s; deleted unchecked",
        job.execution_id,
        job.status,
    )
    _delete(client)


def _delete(client: BlobClient) -> None:
    with contextlib.suppress(ResourceNotFoundError):
        client.delete_blob(delete_snapshots="include")
