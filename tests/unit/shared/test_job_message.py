"""A job message carries the record it was sent for: the processor starts the job with a
compare-and-swap on that record's ETag, without reading it first, and reads the stored
record whenever the copy is out of date (on real Azurite)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from shared.context import Services
from shared.jobs import InputFile, JobStore
from shared.pipeline import lifecycle
from shared.pipeline.cleanup import QUEUED_RESEND_AFTER, sweep
from shared.pipeline.ingest import ingest_blob
from shared.pipeline.lifecycle import JOB_IN_MESSAGE_MAX_CHARS, JobMessage
from shared.pipeline.process import process_message
from shared.states import JobStatus
from tests.unit.shared.test_flow import blob_client, messages_for, start_upload, upload

DATA = b"carried record " * 50


def _queued(services: Services, key: str) -> str:
    body = start_upload(services, key, "notes.bin", DATA)
    upload(body, DATA)
    ingest_blob(services, blob_client(services, body["upload"]["url"]))
    return str(body["executionId"])


def _reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    reads: list[str] = []
    original = JobStore.get

    def counting(self: JobStore, tenant: str, execution_id: str) -> Any:
        reads.append(execution_id)
        return original(self, tenant, execution_id)

    monkeypatch.setattr(JobStore, "get", counting)
    return reads


def test_a_current_record_starts_the_job_without_a_read(
    services: Services, key: str, tenant: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    ident = _queued(services, key)
    [(message_id, text)] = messages_for(services, ident)
    reads = _reads(monkeypatch)
    process_message(services, text, message_id=message_id)
    assert reads == []
    job = services.jobs.get(tenant, ident)
    assert job is not None and job.status == JobStatus.COMPLETED and job.attempts == 1
    assert job.message_id == message_id


def test_a_stale_record_is_never_written_back(
    services: Services, key: str, tenant: str, clock: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    ident = _queued(services, key)
    clock.advance(seconds=QUEUED_RESEND_AFTER.total_seconds() + 60)
    sweep(services)  # sends the message again and records resent_at: the first copy is stale
    first, second = messages_for(services, ident)
    reads = _reads(monkeypatch)
    process_message(services, first[1], message_id=first[0])
    assert reads == [ident]  # its compare-and-swap failed, so the stored record decided
    job = services.jobs.get(tenant, ident)
    assert job is not None and job.status == JobStatus.COMPLETED
    assert job.resent_at is not None  # the stale copy did not overwrite the sweep's write
    process_message(services, second[1], message_id=second[0])
    assert services.jobs.get(tenant, ident).attempts == 1  # type: ignore[union-attr]


def test_a_redelivered_message_retries_from_the_stored_record(
    services: Services, key: str, tenant: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    ident = _queued(services, key)
    [(message_id, text)] = messages_for(services, ident)
    stored = services.jobs.get(tenant, ident)
    assert stored is not None
    lifecycle.start(services, stored, message_id)  # the first attempt died while running
    process_message(services, text, message_id=message_id)  # its redelivery
    job = services.jobs.get(tenant, ident)
    assert job is not None and job.status == JobStatus.COMPLETED and job.attempts == 2


def test_a_deleted_job_is_not_brought_back_by_its_message(
    services: Services, key: str, tenant: str
) -> None:
    ident = _queued(services, key)
    [(message_id, text)] = messages_for(services, ident)
    job = services.jobs.get(tenant, ident)
    assert job is not None
    lifecycle.remove(services, job)
    process_message(services, text, message_id=message_id)
    assert services.jobs.get(tenant, ident) is None


def test_a_record_of_another_job_is_ignored(services: Services, key: str) -> None:
    ident = _queued(services, key)
    [(_, text)] = messages_for(services, ident)
    other = json.loads(text)["job"] | {"execution_id": "01a2-another-job"}
    mixed = {**json.loads(text), "job": other}
    message = JobMessage.model_validate(mixed)
    assert message.stored_job() is None
    assert JobMessage.model_validate_json(text).stored_job() is not None


def test_a_large_record_stays_out_of_the_message(services: Services, tenant: str) -> None:
    from processors.registry import get_tool

    tool = get_tool("pdf-merge")
    assert tool is not None
    inputs = [
        InputFile(filename=f"{'n' * 200}{i}.pdf", size=1, blob=f"{tenant}/x/{'b' * 200}{i}.pdf")
        for i in range(40)
    ]
    job = lifecycle.new_job(services, tool, tenant=tenant, parameters={}, inputs=inputs)
    job.etag = 'W/"datetime"'
    assert len(job.model_dump_json()) > JOB_IN_MESSAGE_MAX_CHARS
    message = JobMessage.for_job(job, with_record=True)
    assert message.job is None and message.etag is None
    assert json.loads(message.to_json()).keys() == {"executionId", "tenant", "tool"}
