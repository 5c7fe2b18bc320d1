"""A job message arrived on `{category}-jobs`: run the tool, store the output.

`processing` by compare-and-swap (a finished job's message, or a duplicate message for a
job another message is running, is acked and ignored); inputs streamed to temp files; the
tool run in a child process with its timeout; progress relayed about once a second; the
output streamed to `{category}-processed`; `completed`; the uploads deleted. A
PermanentError fails the job; anything else is raised so the queue redelivers.
"""

from __future__ import annotations

import logging
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from azure.core import MatchConditions
from azure.core.exceptions import ResourceModifiedError, ResourceNotFoundError

from processors.registry import get_tool
from shared import metrics, tracing
from shared.context import Services
from shared.errors import PermanentError, TransientError
from shared.jobs import InputFile, Job
from shared.naming import output_blob_name, processed_container, uploads_container
from shared.pipeline import lifecycle
from shared.pipeline.budget import instance_budget
from shared.pipeline.lifecycle import JobMessage, ProgressRelay
from shared.pipeline.runner import ProgressCallback, run_tool
from shared.states import TERMINAL, JobStatus
from shared.storage import WHOLE_READ_BYTES

__all__ = ["StoredOutput", "poison_message", "process_message", "run_and_store"]

log = logging.getLogger(__name__)

WAITING_STEP = "Waiting for a free worker"
"""The job's step while its run waits for room in the instance's memory budget."""


@dataclass(frozen=True)
class StoredOutput:
    """A tool's output, uploaded to `{category}-processed`; `path` lives as long as its
    work directory."""

    path: Path
    name: str
    blob: str
    size: int


def _start(services: Services, job: Job, message_id: str | None) -> Job | None:
    if job.status == JobStatus.PENDING:
        if not job.inputs or not all(f.arrived for f in job.inputs):
            raise TransientError(f"job {job.execution_id} is not queued yet")
        # Every file is in, so this message was sent for it (by a sender that marked the job
        # `queued` after sending, or by one whose `queued` write was lost): queue it here. A
        # None means someone else's write came first; what it wrote decides, not a retry:
        # giving the message back would cost the job the queue's visibility timeout.
        current = lifecycle.mark_queued(services, job) or services.jobs.get(
            job.tenant, job.execution_id
        )
        if current is None:
            return None
        job = current
        if job.status == JobStatus.PENDING:
            raise TransientError(f"job {job.execution_id} is not queued yet")
    if job.status in TERMINAL:
        log.info("job %s: message for a job already %s; ignored", job.execution_id, job.status)
        # A worker killed between the final write and deleting the uploads left them: this
        # redelivery of its message is the one chance to finish that (a no-op otherwise).
        lifecycle.delete_uploads(services, job)
        return None
    if job.status == JobStatus.PROCESSING and job.message_id not in (None, message_id):
        log.info("job %s: duplicate message while processing; ignored", job.execution_id)
        return None
    return lifecycle.start(services, job, message_id)


def process_message(services: Services, body: str, *, message_id: str | None) -> None:
    message = JobMessage.model_validate_json(body)
    with tracing.scope(
        "process", traceparent=message.traceparent, execution_id=message.execution_id
    ):
        started = _claim(services, message, message_id)
        if started is not None:
            _process(services, started)


def _claim(services: Services, message: JobMessage, message_id: str | None) -> Job | None:
    """The job moved to `processing` for this message, or None when it is not this
    message's to run. The record the message carries saves the read while it is current;
    when it is not (a redelivery, a resend, a job changed since), its compare-and-swap
    fails and the stored record decides."""
    sent = message.stored_job()
    if sent is not None and sent.status == JobStatus.QUEUED:
        started = lifecycle.start(services, sent, message_id)
        if started is not None:
            return started
    job = services.jobs.get(message.tenant, message.execution_id)
    if job is None:
        log.info("job %s: message for a deleted job; ignored", message.execution_id)
        return None
    return _start(services, job, message_id)


def _process(services: Services, started: Job) -> None:
    log.info("job %s: attempt %d of tool %s", started.execution_id, started.attempts, started.tool)
    if started.attempts == 1 and started.queued_at is not None and started.started_at:
        metrics.queue_age(started.tool, (started.started_at - started.queued_at).total_seconds())
    try:
        _run(services, started)
    except PermanentError as exc:
        lifecycle.fail(services, started, exc.message, exc.code)


def _run(services: Services, job: Job) -> None:
    tool = get_tool(job.tool)
    if tool is None:
        raise PermanentError(f"The tool {job.tool} no longer exists", code="unknown_tool")
    began = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="mtb-") as workdir:
        paths = [
            _fetch(services, job, upload, Path(workdir, "in", str(index), upload.filename))
            for index, upload in enumerate(job.inputs)
        ]
        fetched = time.monotonic()
        with ProgressRelay(services, job) as relay:
            output = run_and_store(
                services,
                job,
                inputs=paths,
                workdir=Path(workdir),
                timeout=tool.timeout_seconds,
                on_progress=relay,
            )
        log.info(
            "job %s: inputs fetched in %.0f ms, tool run and output stored in %.0f ms",
            job.execution_id,
            (fetched - began) * 1000,
            (time.monotonic() - fetched) * 1000,
        )
        # Completed before the work directory is removed: its files are no use to anyone,
        # and removing megabytes is no reason to keep the job's owner waiting.
        lifecycle.complete(
            services,
            relay.job,
            name=output.name,
            blob=output.blob,
            size=output.size,
            seconds=time.monotonic() - began,
        )
    lifecycle.delete_uploads(services, job)


def _fetch(services: Services, job: Job, upload: InputFile, path: Path) -> Path:
    """The upload streamed to `path`: exactly the version ingest checked (the upload SAS is
    still valid, and an overwrite after the check must not reach the tool: If-Match on
    every range). One folder per input keeps the uploaded name intact for tools that show
    it (pdf-merge bookmarks, zip member names) even when two inputs share a name."""
    path.parent.mkdir(parents=True)
    storage = services.storage
    # A small upload in one request: each extra ranged GET is a round trip of its own.
    small = 0 < upload.size <= WHOLE_READ_BYTES
    blobs = storage.blob_reader if small else storage.blob_service
    stored = blobs.get_blob_client(uploads_container(job.category), upload.blob)
    pinned: dict[str, Any] = (
        {"etag": upload.etag, "match_condition": MatchConditions.IfNotModified}
        if upload.etag
        else {}
    )
    try:
        with path.open("wb") as sink:
            stored.download_blob(max_concurrency=2, **pinned).readinto(sink)
    except ResourceNotFoundError:
        raise PermanentError(
            f"{upload.filename}: the uploaded file is no longer there", code="upload_missing"
        ) from None
    except ResourceModifiedError:
        raise PermanentError(
            f"{upload.filename} was changed after it was checked; upload it again as a new job",
            code="upload_changed",
        ) from None
    return path


def run_and_store(
    services: Services,
    job: Job,
    *,
    inputs: Sequence[Path],
    workdir: Path,
    timeout: float,
    on_progress: ProgressCallback = lambda percent, step: None,
) -> StoredOutput:
    """Run the job's tool on `inputs` into `workdir`/out and upload its output."""
    output_dir = workdir / "out"
    output_dir.mkdir()
    settings = services.settings
    budget = instance_budget(settings.instance_memory_mb)
    with budget.reserve(
        settings.tool_memory_mb,
        timeout=timeout,
        on_wait=lambda: on_progress(0, WAITING_STEP),
    ):
        output = run_tool(
            job.tool,
            inputs,
            output_dir,
            job.parameters,
            timeout=timeout,
            memory_limit_mb=settings.tool_memory_mb,
            on_progress=on_progress,
        )
    if not output.is_file() or output_dir.resolve() not in output.resolve().parents:
        raise TransientError(f"tool {job.tool} did not write its output file")
    # The tool's own name: inputs keep their uploaded names in the workdir, so tools name
    # results after them, never as them (photo.webp, report-merged.pdf, photo-compressed.jpg).
    name = output.name
    blob = output_blob_name(job.tenant, job.execution_id, name)
    with output.open("rb") as source:
        services.storage.blob_service.get_blob_client(
            processed_container(job.category), blob
        ).upload_blob(source, overwrite=True, max_concurrency=2)
    return StoredOutput(path=output, name=name, blob=blob, size=output.stat().st_size)


def poison_message(services: Services, body: str) -> None:
    """A message gave up after the host's retries: fail its job so nothing hangs."""
    message = JobMessage.model_validate_json(body)
    with tracing.scope(
        "poison", traceparent=message.traceparent, execution_id=message.execution_id
    ):
        job = services.jobs.get(message.tenant, message.execution_id)
        if job is None or job.status in TERMINAL:
            return
        attempts = max(job.attempts, 1)
        lifecycle.fail(
            services, job, f"processing failed after {attempts} attempts", "processing_failed"
        )
