"""A job message arrived on `{category}-jobs`: run the tool, store the output.

The inputs are streamed to temp files first, then the run waits for room in the instance's
memory budget (behind runs already going) for at most ROOM_WAIT_SECONDS; then `processing`
by compare-and-swap (a finished job's message, or a duplicate message for a job another
message is running, is acked and ignored); the tool run in a child process with its
timeout; its latest progress relayed at most once a second; the output streamed to
`{category}-processed`; `completed`; the uploads deleted. A PermanentError fails the job;
anything else is raised so the queue redelivers. A job that finds no room in time stays
`queued`: its message goes back to the queue, delayed, and no delivery is spent.
"""

from __future__ import annotations

import contextlib
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
from shared.naming import output_blob_name, processed_container, queue_name, uploads_container
from shared.pipeline import lifecycle
from shared.pipeline.budget import NoRoomError, instance_budget
from shared.pipeline.lifecycle import JobMessage, ProgressRelay
from shared.pipeline.runner import ProgressCallback, run_tool
from shared.states import TERMINAL, JobStatus
from shared.storage import WHOLE_READ_BYTES

__all__ = [
    "GIVE_BACK_DELAY_SECONDS",
    "ROOM_WAIT_SECONDS",
    "StoredOutput",
    "poison_message",
    "process_message",
    "reserve_tool_memory",
    "run_and_store",
]

log = logging.getLogger(__name__)

ROOM_WAIT_SECONDS = 60.0
"""How long a job waits on this instance for room in its memory budget. Longer, its message
would hide the job from instances with room (and from the scale controller, which counts
the queue), and the wait would eat into host.json's functionTimeout, which the tool's own
timeout already nearly fills: the host would then restart the worker with every run on it."""
GIVE_BACK_DELAY_SECONDS = 30
"""A job given back is visible on the queue again after this, for this or another instance."""


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
    with (
        tracing.scope(
            "process", traceparent=message.traceparent, execution_id=message.execution_id
        ),
        tempfile.TemporaryDirectory(prefix="mtb-") as workdir,
        contextlib.ExitStack() as room,
    ):
        # The inputs are fetched while earlier runs still hold the budget, so that the run
        # starts when they end; the job is claimed only once it can run, so its `startedAt`
        # and the sweep's timeout count from there (and the bounded wait fits in the margin
        # functionTimeout leaves around the tool's own timeout).
        planned = message.stored_job() or services.jobs.get(message.tenant, message.execution_id)
        fetch_error: PermanentError | None = None
        paths: list[Path] | None = None
        if planned is not None and _may_run(planned, message_id):
            try:
                paths = _fetch_inputs(services, planned, Path(workdir, "in"))
            except PermanentError as exc:  # the job's to fail once it is claimed for this message
                fetch_error = exc
            if paths is not None:
                try:
                    room.enter_context(reserve_tool_memory(services, timeout=ROOM_WAIT_SECONDS))
                except NoRoomError as exc:
                    _give_back(services, planned, body, exc)
                    return
        started = _claim(services, message, message_id)
        if started is None:
            return
        if fetch_error is not None:
            lifecycle.fail(services, started, fetch_error.message, fetch_error.code)
            return
        if paths is None:  # nothing was fetched (the record said it was not to run): no room
            room.enter_context(reserve_tool_memory(services, timeout=ROOM_WAIT_SECONDS))
        elif planned is None or started.inputs != planned.inputs:
            paths = None  # read afresh after the fetch (never so for a queued job's fixed files)
        _process(services, started, paths, Path(workdir), room)


def _may_run(planned: Job, message_id: str | None) -> bool:
    """Whether this message may be the one to run the job as `planned` shows it, so that its
    inputs are worth fetching and room worth waiting for. Not when the job has ended, nor
    while another message runs it: the sweep's resend of a job that waited long in a backlog
    would otherwise download its inputs and hold a delivery slot waiting for room (then be
    given back, again and again) only to be ignored once it is claimed."""
    if planned.status in TERMINAL:
        return False
    return not (
        planned.status == JobStatus.PROCESSING and planned.message_id not in (None, message_id)
    )


def _give_back(services: Services, job: Job, body: str, reason: NoRoomError) -> None:
    """The job stays `queued`; a copy of its message is sent, delayed, and this delivery
    ends well, so the job spends none of its deliveries on waiting."""
    services.storage.queue(queue_name(job.category)).send_message(
        body, visibility_timeout=GIVE_BACK_DELAY_SECONDS
    )
    log.info(
        "job %s: %s; its message is back on the queue in %d s",
        job.execution_id,
        reason.message,
        GIVE_BACK_DELAY_SECONDS,
    )


def reserve_tool_memory(
    services: Services, *, timeout: float
) -> contextlib.AbstractContextManager[None]:
    """Room for one tool run in this instance's memory budget, waited for up to `timeout`
    (NoRoomError after that)."""
    settings = services.settings
    return instance_budget(settings.instance_memory_mb).reserve(
        settings.tool_memory_mb, timeout=timeout
    )


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


def _process(
    services: Services,
    started: Job,
    paths: list[Path] | None,
    workdir: Path,
    room: contextlib.ExitStack,
) -> None:
    log.info("job %s: attempt %d of tool %s", started.execution_id, started.attempts, started.tool)
    if started.attempts == 1 and started.queued_at is not None and started.started_at:
        metrics.queue_age(started.tool, (started.started_at - started.queued_at).total_seconds())
    try:
        _run(services, started, paths, workdir, room)
    except PermanentError as exc:
        lifecycle.fail(services, started, exc.message, exc.code)


def _run(
    services: Services,
    job: Job,
    paths: list[Path] | None,
    workdir: Path,
    room: contextlib.ExitStack,
) -> None:
    tool = get_tool(job.tool)
    if tool is None:
        raise PermanentError(f"The tool {job.tool} no longer exists", code="unknown_tool")
    began = time.monotonic()
    if paths is None:
        paths = _fetch_inputs(services, job, workdir / "again")
    fetched = time.monotonic()
    with ProgressRelay(services, job) as relay:
        output = run_and_store(
            services,
            job,
            inputs=paths,
            workdir=workdir,
            timeout=tool.timeout_seconds,
            on_progress=relay,
            room=room,
        )
    log.info(
        "job %s: tool run and output stored in %.0f ms",
        job.execution_id,
        (time.monotonic() - fetched) * 1000,
    )
    # Completed before the work directory is removed: its files are no use to anyone, and
    # removing megabytes is no reason to keep the job's owner waiting.
    lifecycle.complete(
        services,
        relay.job,
        name=output.name,
        blob=output.blob,
        size=output.size,
        seconds=time.monotonic() - began,
    )
    lifecycle.delete_uploads(services, job)


def _fetch_inputs(services: Services, job: Job, folder: Path) -> list[Path]:
    started = time.monotonic()
    paths = [
        _fetch(services, job, upload, folder / str(index) / upload.filename)
        for index, upload in enumerate(job.inputs)
    ]
    log.info(
        "job %s: inputs fetched in %.0f ms", job.execution_id, (time.monotonic() - started) * 1000
    )
    return paths


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
    room: contextlib.ExitStack,
) -> StoredOutput:
    """Run the job's tool on `inputs` into `workdir`/out and upload its output. `room`
    holds the run's room in the memory budget (`reserve_tool_memory`): it is closed as soon
    as the tool has run, so the next run starts while this output uploads."""
    output_dir = workdir / "out"
    output_dir.mkdir()
    settings = services.settings
    with room:
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
