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
from pathlib import Path
from typing import Any

from azure.core.exceptions import ResourceNotFoundError
from pydantic import BaseModel, ConfigDict, Field

from processors.registry import get_tool
from shared.context import Services
from shared.errors import PermanentError, TransientError
from shared.ingest import delete_uploads, fail, mark_queued
from shared.jobs import Job
from shared.naming import output_blob_name, processed_container, uploads_container
from shared.runner import run_tool
from shared.states import TERMINAL, JobStatus

__all__ = ["JobMessage", "process_message"]

log = logging.getLogger(__name__)

PROGRESS_INTERVAL = 1.0


class JobMessage(BaseModel):
    model_config = ConfigDict(populate_by_name=True, frozen=True)
    execution_id: str = Field(alias="executionId")
    tenant: str
    tool: str


class ProgressRelay:
    """Writes progress to the job at most once per interval (CAS; a stale write is dropped)."""

    def __init__(self, services: Services, job: Job) -> None:
        self.services, self.job = services, job
        self._last = 0.0

    def __call__(self, percent: float, step: str) -> None:
        now = time.monotonic()
        if now - self._last < PROGRESS_INTERVAL:
            return
        self._last = now
        progress = round(max(0.0, min(percent, 99.0)), 1)
        updated = self.services.jobs.transition(
            self.job, JobStatus.PROCESSING, progress=progress, current_step=step[:100]
        )
        if updated is not None:
            self.job = updated


def _start(services: Services, job: Job, message_id: str | None) -> Job | None:
    if job.status in TERMINAL:
        log.info("job %s: message for a job already %s; ignored", job.execution_id, job.status)
        return None
    if job.status == JobStatus.PENDING:
        if not job.inputs or not all(f.arrived for f in job.inputs):
            raise TransientError(f"job {job.execution_id} is not queued yet")
        # Every file is in, so ingest sent this message; its `queued` write is late or lost.
        queued = mark_queued(services, job)
        if queued is None or queued.status != JobStatus.QUEUED:
            raise TransientError(f"job {job.execution_id} is not queued yet")
        job = queued
    if job.status == JobStatus.PROCESSING and job.message_id not in (None, message_id):
        log.info("job %s: duplicate message while processing; ignored", job.execution_id)
        return None
    now = services.clock()
    return services.jobs.transition(
        job,
        JobStatus.PROCESSING,
        started_at=job.started_at or now,
        attempts=job.attempts + 1,
        message_id=message_id,
        progress=0.0,
        current_step="Starting",
    )


def process_message(services: Services, body: str, *, message_id: str | None) -> None:
    message = JobMessage.model_validate_json(body)
    job = services.jobs.get(message.tenant, message.execution_id)
    if job is None:
        log.info("job %s: message for a deleted job; ignored", message.execution_id)
        return
    started = _start(services, job, message_id)
    if started is None:
        return
    log.info("job %s: attempt %d of tool %s", started.execution_id, started.attempts, started.tool)
    try:
        _run(services, started)
    except PermanentError as exc:
        fail(services, started, exc.message, exc.code)


def _run(services: Services, job: Job) -> None:
    tool = get_tool(job.tool)
    if tool is None:
        raise PermanentError(f"The tool {job.tool} no longer exists", code="unknown_tool")
    blobs = services.storage.blob_service
    began = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="mtb-") as workdir:
        inputs_dir, output_dir = Path(workdir, "in"), Path(workdir, "out")
        inputs_dir.mkdir()
        output_dir.mkdir()
        paths: list[Path] = []
        for index, upload in enumerate(job.inputs):
            # One folder per input keeps the uploaded name intact for tools that show it
            # (pdf-merge bookmarks, zip member names) even when two inputs share a name.
            path = inputs_dir / str(index) / upload.filename
            path.parent.mkdir()
            stored = blobs.get_blob_client(uploads_container(job.category), upload.blob)
            try:
                with path.open("wb") as sink:
                    stored.download_blob(max_concurrency=2).readinto(sink)
            except ResourceNotFoundError:
                raise PermanentError(
                    f"{upload.filename}: the uploaded file is no longer there",
                    code="upload_missing",
                ) from None
            paths.append(path)
        relay = ProgressRelay(services, job)
        output = run_tool(
            job.tool,
            paths,
            output_dir,
            job.parameters,
            timeout=tool.timeout_seconds,
            memory_limit_mb=services.settings.tool_memory_mb,
            on_progress=relay,
        )
        if not output.is_file() or output_dir not in output.resolve().parents:
            raise TransientError(f"tool {job.tool} did not write its output file")
        output_name = _output_filename(job, output)
        output_blob = output_blob_name(job.tenant, job.execution_id, output_name)
        with output.open("rb") as source:
            blobs.get_blob_client(processed_container(job.category), output_blob).upload_blob(
                source, overwrite=True, max_concurrency=2
            )
        output_size = output.stat().st_size
    complete_job(
        services, relay.job, output_name, output_blob, output_size, time.monotonic() - began
    )
    delete_uploads(services, job)


def _output_filename(job: Job, output: Path) -> str:
    stem = Path(job.input_filename).stem if job.input_filename else job.tool
    return f"{stem or 'output'}{output.suffix.lower()}"


def complete_job(
    services: Services, job: Job, name: str, blob: str, size: int, seconds: float
) -> None:
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
    if services.jobs.transition(job, JobStatus.COMPLETED, **changes) is None:
        # Someone else finished or failed the job meanwhile: our output is an orphan.
        services.storage.blob_service.get_blob_client(
            processed_container(job.category), blob
        ).delete_blob()


def poison_message(services: Services, body: str) -> None:
    """A message gave up after the host's retries: fail its job so nothing hangs."""
    message = JobMessage.model_validate_json(body)
    job = services.jobs.get(message.tenant, message.execution_id)
    if job is None or job.status in TERMINAL:
        return
    attempts = max(job.attempts, 1)
    fail(services, job, f"processing failed after {attempts} attempts", "processing_failed")
