"""Every write of a job's state, in one place: create, arrive, dispatch, queue, start,
progress, complete, fail, resend, expire, remove; and the one job message model.

A job costs as few storage transactions as its guarantees allow (docs/api.md lists
them): a file's arrival and the move to `queued` are one write, and the message
carries the record it was sent for (with its ETag), so the processor's compare-and-swap to
`processing` needs no read first; a stale copy only fails that write, and the processor
reads the job then, as it always did.

Each write is a compare-and-swap through the job store, so a stale or illegal move (the
transition table in `shared.states`) is a logged no-op, and every step may run twice.
Stage modules (submit, ingest, process, cleanup) and the API decide *when*; this module
says *what* each move writes.
"""

from __future__ import annotations

import contextlib
import contextvars
import json
import logging
import threading
import time
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from azure.core.exceptions import AzureError, ResourceNotFoundError
from pydantic import BaseModel, ConfigDict, Field

from processors.base import Tool
from shared import metrics, tracing
from shared.context import Services
from shared.errors import storage_unavailable
from shared.jobs import InputFile, Job
from shared.naming import new_execution_id, processed_container, queue_name, uploads_container
from shared.pipeline import webhooks
from shared.states import TERMINAL, JobStatus

__all__ = [
    "JOB_IN_MESSAGE_MAX_CHARS",
    "PROGRESS_INTERVAL",
    "JobMessage",
    "ProgressRelay",
    "complete",
    "create",
    "delete_uploads",
    "dispatch",
    "enqueue",
    "expire",
    "extend_upload",
    "fail",
    "mark_queued",
    "new_job",
    "record_arrival",
    "remove",
    "resend",
    "start",
]

log = logging.getLogger(__name__)

PROGRESS_INTERVAL = 1.0
JOB_IN_MESSAGE_MAX_CHARS = 16_000
"""A job record larger than this (many inputs) is not copied into its message: a queue
message holds 64 KB after base64, and the processor can always read the record instead."""


class JobMessage(BaseModel):
    """The body of a `{category}-jobs` message: enough to find the job, and the trace it
    belongs to (W3C traceparent), so processing logs continue the request's trace.

    `job` and `etag`: the record exactly as stored when the message was sent. Only a
    compare-and-swap on that ETag may use it (it succeeds only while the stored record is
    still that one), so a stale or duplicated copy can never run a job twice or run bytes
    nobody checked; it merely saves the read."""

    model_config = ConfigDict(populate_by_name=True, frozen=True)
    execution_id: str = Field(alias="executionId")
    tenant: str
    tool: str
    traceparent: str | None = None
    job: dict[str, Any] | None = None
    etag: str | None = None

    @classmethod
    def for_job(cls, job: Job, *, with_record: bool = False) -> JobMessage:
        record = job.model_dump(mode="json") if with_record and job.etag else None
        if record is not None and len(json.dumps(record)) > JOB_IN_MESSAGE_MAX_CHARS:
            record = None
        return cls.model_validate(
            {
                "executionId": job.execution_id,
                "tenant": job.tenant,
                "tool": job.tool,
                "traceparent": tracing.current_traceparent() or job.traceparent,
                "job": record,
                "etag": job.etag if record is not None else None,
            }
        )

    def stored_job(self) -> Job | None:
        """The record the message was sent with, carrying its ETag; None when it has none
        (or it is not this message's job)."""
        if self.job is None or not self.etag:
            return None
        job = Job.model_validate(self.job)
        if (job.tenant, job.execution_id) != (self.tenant, self.execution_id):
            return None
        job.etag = self.etag
        return job

    def to_json(self) -> str:
        return self.model_dump_json(by_alias=True, exclude_none=True)


def new_job(
    services: Services,
    tool: Tool[Any],
    *,
    tenant: str,
    parameters: dict[str, Any],
    execution_id: str | None = None,
    inputs: Sequence[InputFile] = (),
    status: JobStatus = JobStatus.PENDING,
    upload_expires_at: datetime | None = None,
    created_at: datetime | None = None,
    webhook_url: str | None = None,
    api_base: str | None = None,
) -> Job:
    """A new job record (not yet stored): `pending` for uploads, `queued` for a no-file job,
    `processing` for an inline run. `created_at` is the time the id was made from. It
    remembers the current trace for its later stages."""
    now = created_at or services.clock()
    return Job(
        execution_id=execution_id or new_execution_id(now),
        tenant=tenant,
        tool=tool.name,
        category=str(tool.category),
        parameters=parameters,
        inputs=list(inputs),
        status=status,
        created_at=now,
        input_size=sum(f.size for f in inputs) if inputs else None,
        upload_expires_at=upload_expires_at,
        queued_at=now if status == JobStatus.QUEUED else None,
        started_at=now if status == JobStatus.PROCESSING else None,
        attempts=1 if status == JobStatus.PROCESSING else 0,
        traceparent=tracing.current_traceparent(),
        api_base=api_base,
        webhook_url=webhook_url,
    )


def create(services: Services, job: Job) -> Job:
    """Store a new job; 503 for the caller when storage is unavailable."""
    try:
        return services.jobs.create(job)
    except AzureError:
        log.exception("could not create job %s", job.execution_id)
        raise storage_unavailable() from None


def enqueue(services: Services, job: Job, *, with_record: bool = False) -> None:
    """Send the job's message; `with_record` when `job` is the record just written (its
    ETag current), so the processor can start it without reading it."""
    queue = queue_name(job.category)
    message = JobMessage.for_job(job, with_record=with_record)
    services.storage.queue(queue).send_message(message.to_json())
    log.info("job %s: message sent to %s", job.execution_id, queue)


def record_arrival(
    services: Services, job: Job, *, index: int, size: int, etag: str | None = None
) -> Job | None:
    """Input `index` is in storage with `size` bytes, checked at version `etag`, in one
    compare-and-swap write: the job stays `pending` while files are missing and becomes
    `queued` with the last one (its message is the caller's next step: `enqueue`).

    Written before the message is sent, so a processor never finds its job short of the
    arrival it was sent for (it used to, and gave the message back for a 10 s wait). A
    crash between this write and the send leaves a `queued` job without a message: the
    blob trigger's retry finds the job queued at the version it checked and sends the
    message again (`shared.pipeline.ingest`), and the sweep resends after
    QUEUED_RESEND_AFTER as the last resort."""

    def arrive(current: Job) -> tuple[JobStatus, dict[str, Any]] | None:
        if current.status != JobStatus.PENDING:
            return None
        inputs = [f.model_copy() for f in current.inputs]
        inputs[index].arrived, inputs[index].size, inputs[index].etag = True, size, etag
        changes: dict[str, Any] = {"inputs": inputs, "input_size": sum(f.size for f in inputs)}
        if all(f.arrived for f in inputs):
            return JobStatus.QUEUED, {**changes, "queued_at": services.clock()}
        return JobStatus.PENDING, changes

    return services.jobs.update(job.tenant, job.execution_id, arrive, current=job)


def extend_upload(services: Services, job: Job, *, until: datetime) -> Job | None:
    """A `pending` job's upload window moved on to `until` (never back), for a long upload
    that asked for fresh SAS URLs; None when the job has left `pending` meanwhile."""

    def extend(current: Job) -> tuple[JobStatus, dict[str, Any]] | None:
        if current.status != JobStatus.PENDING:
            return None
        later = max(until, current.upload_expires_at or until)
        return JobStatus.PENDING, {"upload_expires_at": later}

    return services.jobs.update(job.tenant, job.execution_id, extend)


def dispatch(services: Services, job: Job) -> Job | None:
    """A `pending` job whose files have all arrived (a crash once stopped its ingest) marked
    `queued`, then its message sent with the record just written; None when the job had
    left `pending` meanwhile (whoever moved it sent its message).

    A send that fails after the write leaves a `queued` job without a message, which the
    sweep resends after QUEUED_RESEND_AFTER."""
    queued = mark_queued(services, job)
    if queued is not None:
        enqueue(services, queued, with_record=True)
    return queued


def mark_queued(services: Services, job: Job) -> Job | None:
    return services.jobs.update(
        job.tenant,
        job.execution_id,
        lambda j: (
            (JobStatus.QUEUED, {"queued_at": services.clock()})
            if j.status == JobStatus.PENDING
            else None
        ),
        current=job,
    )


def resend(services: Services, job: Job) -> None:
    """Send a queued job's message once more and record that it was sent again.

    Send, then record: a duplicate message is harmless (the processor ignores it), a recorded
    resend whose message never went out would leave the job waiting.
    """
    enqueue(services, job)
    services.jobs.transition(job, JobStatus.QUEUED, resent_at=services.clock())


def start(services: Services, job: Job, message_id: str | None) -> Job | None:
    """`processing`, counting the attempt and remembering which message runs it."""
    return services.jobs.transition(
        job,
        JobStatus.PROCESSING,
        started_at=job.started_at or services.clock(),
        attempts=job.attempts + 1,
        message_id=message_id,
        progress=0.0,
        current_step="Starting",
    )


class ProgressRelay:
    """Writes a running job's progress: the tool's latest report, at most once per
    PROGRESS_INTERVAL and not before an interval has passed since the run began.

    A report that comes too soon waits for its turn and is written then, unless a newer
    one replaced it: a poller sees where the tool is, never a step it has left (nor does a
    job done within the interval write any: its completion says it). The tool's closing
    100 % is not written either: the completion follows at once. Writes are CAS (a stale
    one is dropped); use it as a context manager, so that no write lands after the run.
    """

    def __init__(
        self, services: Services, job: Job, *, interval: float = PROGRESS_INTERVAL
    ) -> None:
        self.services, self.job = services, job
        self._interval = interval
        self._due = time.monotonic() + interval
        self._latest: tuple[float, str] | None = None
        self._timer: threading.Timer | None = None
        self._closed = False
        self._lock = threading.Lock()

    def __enter__(self) -> ProgressRelay:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __call__(self, percent: float, step: str) -> None:
        if percent >= 100:
            return
        with self._lock:
            if self._closed:
                return
            self._latest = (percent, step)
            if self._timer is None:
                delay = max(0.0, self._due - time.monotonic())
                # the job's log and trace context goes with the write
                self._timer = threading.Timer(delay, contextvars.copy_context().run, (self._write,))
                self._timer.daemon = True
                self._timer.start()

    def _write(self) -> None:
        with self._lock:  # held while writing: close() waits for a write under way
            self._timer = None
            if self._closed or self._latest is None:
                return
            percent, step = self._latest
            self._latest = None
            self._due = time.monotonic() + self._interval
            updated = self.services.jobs.transition(
                self.job,
                JobStatus.PROCESSING,
                progress=round(max(0.0, min(percent, 99.0)), 1),
                current_step=step[:100],
            )
            if updated is not None:
                self.job = updated

    def close(self) -> None:
        """No more writes; `job` is the job as last written."""
        with self._lock:
            self._closed = True
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None


def complete(
    services: Services, job: Job, *, name: str, blob: str, size: int, seconds: float
) -> None:
    """`completed` with the stored output; an output nobody can claim any more is deleted."""
    now = services.clock()
    changes: dict[str, Any] = {
        "output_filename": name,
        "output_blob": blob,
        "output_size": size,
        "compression_ratio": round(size / job.input_size, 4) if job.input_size else None,
        "processing_time": round(seconds, 3),
        "progress": 100.0,
        "current_step": "Done",
        "completed_at": now,
        "expires_at": now + services.settings.retention(job.category),
        "error": None,
        "error_code": None,
    }
    completed = services.jobs.transition(job, JobStatus.COMPLETED, **changes)
    if completed is None:
        # Another attempt moved the job meanwhile (a redelivery while this one was stuck).
        # Every attempt writes the same blob name, so the output is an orphan only when the
        # job ended without claiming it; deleting it otherwise deletes the job's output.
        current = services.jobs.get(job.tenant, job.execution_id)
        if current is None or (
            current.status in TERMINAL
            and not (current.status == JobStatus.COMPLETED and current.output_blob == blob)
        ):
            with contextlib.suppress(ResourceNotFoundError):
                services.storage.blob_service.get_blob_client(
                    processed_container(job.category), blob
                ).delete_blob(delete_snapshots="include")
        return
    _finished(services, completed)


def fail(services: Services, job: Job, message: str, code: str) -> None:
    """`failed` with a readable message and a stable code; the uploads are deleted."""

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

    # Uploads first: whoever sees `failed` finds them gone (a crash in between leaves a job
    # whose upload is missing, which the processor or the sweep fails in turn).
    delete_uploads(services, job)
    failed = services.jobs.update(job.tenant, job.execution_id, decide)
    if failed is not None:
        log.info("job %s failed: %s", job.execution_id, code)
        _finished(services, failed)


def _finished(services: Services, job: Job) -> None:
    """After the one write that made the job final: count it, and announce its webhook.
    Neither may undo or delay the job's own result."""
    metrics.job_finished(
        job.tool, str(job.status), seconds=job.processing_time, input_size=job.input_size
    )
    if job.webhook_url:
        webhooks.announce(services, job)


def expire(services: Services, job: Job) -> bool:
    """The output blob deleted and the job `expired`; True when this call expired it."""
    if job.output_blob:
        with contextlib.suppress(ResourceNotFoundError):
            services.storage.blob_service.get_blob_client(
                processed_container(job.category), job.output_blob
            ).delete_blob(delete_snapshots="include")
    return services.jobs.transition(job, JobStatus.EXPIRED) is not None


def _stored_inputs(job: Job) -> list[str]:
    """The upload blob names of the job. An inline run's input never was a blob (its name is
    empty), and an empty name must never reach the SDK: it raises instead of deleting."""
    return [f.blob for f in job.inputs if f.blob]


def delete_uploads(services: Services, job: Job) -> None:
    container = services.storage.blob_service.get_container_client(uploads_container(job.category))
    for name in _stored_inputs(job):
        with contextlib.suppress(ResourceNotFoundError):
            container.delete_blob(name, delete_snapshots="include")


def remove(services: Services, job: Job) -> None:
    """Delete the job's blobs (inputs and output, with any snapshots) and then its record."""
    blobs = services.storage.blob_service
    targets = [(uploads_container(job.category), name) for name in _stored_inputs(job)]
    if job.output_blob:
        targets.append((processed_container(job.category), job.output_blob))
    for container, name in targets:
        with contextlib.suppress(ResourceNotFoundError):
            blobs.get_blob_client(container, name).delete_blob(delete_snapshots="include")
    services.jobs.delete(job)
