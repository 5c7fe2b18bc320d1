"""No job waits forever: a crash mid-ingest or a lost queue message is recovered.

Ingest records the arrival and marks the job `queued` in one write, then sends the message.
Each test breaks one step of that (or loses the message afterwards, or races two writers)
and checks that the trigger's retry, the processor or the sweep finishes the job, on real
Azurite with an injected clock.
"""

from __future__ import annotations

import base64

import pytest
from azure.storage.blob import BlobClient

from shared.context import Services
from shared.pipeline import ingest, lifecycle
from shared.pipeline.cleanup import QUEUED_GIVE_UP_AFTER, QUEUED_RESEND_AFTER, sweep
from shared.pipeline.process import process_message
from shared.states import JobStatus
from tests.unit.shared.test_flow import (
    blob_client,
    messages_for,
    start_upload,
    status_of,
    upload,
)

DATA = b"recover me " * 100


def _uploaded(services: Services, key: str) -> tuple[str, BlobClient]:
    body = start_upload(services, key, "notes.bin", DATA)
    upload(body, DATA)
    return body["executionId"], blob_client(services, body["upload"]["url"])


def _ingest_dying_at(
    step: str, services: Services, client: BlobClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ingest with the worker dying when it reaches `step` (a lifecycle function)."""

    def die(*_: object, **__: object) -> None:
        raise RuntimeError("the worker died here")

    with monkeypatch.context() as patch:
        patch.setattr(ingest if hasattr(ingest, step) else lifecycle, step, die)
        with pytest.raises(RuntimeError):
            ingest.ingest_blob(services, client)


def _drain(services: Services, execution_id: str) -> int:
    """Deletes the job's messages from the queue (the loss) and says how many there were."""
    queue = services.storage.queue("data-jobs")
    found = 0
    for message in queue.receive_messages(max_messages=32, visibility_timeout=5):
        if execution_id in base64.b64decode(message.content).decode():
            queue.delete_message(message)
            found += 1
    return found


def test_queued_but_never_sent_is_sent_by_the_triggers_retry(
    services: Services, key: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    ident, client = _uploaded(services, key)
    _ingest_dying_at("enqueue", services, client, monkeypatch)
    assert status_of(services, key, ident)["status"] == "queued"
    assert messages_for(services, ident) == []
    ingest.ingest_blob(services, client)  # the blob trigger retries a failed invocation
    [(message_id, text)] = messages_for(services, ident)
    process_message(services, text, message_id=message_id)
    assert status_of(services, key, ident)["status"] == "completed"


def test_queued_but_never_sent_is_resent_by_the_sweep(
    services: Services, key: str, clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    ident, client = _uploaded(services, key)
    _ingest_dying_at("enqueue", services, client, monkeypatch)  # and no retry ever comes
    clock.advance(seconds=QUEUED_RESEND_AFTER.total_seconds() + 60)
    sweep(services)
    [(message_id, text)] = messages_for(services, ident)
    process_message(services, text, message_id=message_id)
    assert status_of(services, key, ident)["status"] == "completed"


def _arrived_but_pending(services: Services, tenant: str, ident: str) -> None:
    """The job as an older ingest left it when it died between its two writes: every file
    recorded, still `pending`."""

    def arrive(job):  # type: ignore[no-untyped-def]
        inputs = [f.model_copy(update={"arrived": True}) for f in job.inputs]
        return JobStatus.PENDING, {"inputs": inputs}

    assert services.jobs.update(tenant, ident, arrive) is not None


def test_arrived_job_never_sent_is_dispatched_by_the_sweep(
    services: Services, key: str, tenant: str, clock
) -> None:
    body = start_upload(services, key, "notes.bin", DATA)
    upload(body, DATA)
    ident = body["executionId"]
    _arrived_but_pending(services, tenant, ident)
    sweep(services)  # the upload window is still open: nothing to do yet
    assert status_of(services, key, ident)["status"] == "pending"

    clock.advance(minutes=17)
    sweep(services)
    assert status_of(services, key, ident)["status"] == "queued"
    [(message_id, text)] = messages_for(services, ident)
    process_message(services, text, message_id=message_id)
    assert status_of(services, key, ident)["status"] == "completed"


def test_message_for_an_arrived_pending_job_runs_even_when_another_write_queues_it_first(
    services: Services, key: str, tenant: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The processor queues a `pending` job whose files are all in; when a concurrent writer
    (a late ingest) queues it first, the processor's write loses and the job still runs now,
    not after the queue's visibility timeout (once the cause of 2 workers running slower
    than 1)."""
    body = start_upload(services, key, "notes.bin", DATA)
    upload(body, DATA)
    ident = body["executionId"]
    _arrived_but_pending(services, tenant, ident)
    lifecycle.enqueue(services, services.jobs.get(tenant, ident))  # a message without a record
    original = lifecycle.mark_queued

    def late_ingest_first(services: Services, job):  # type: ignore[no-untyped-def]
        assert original(services, job) is not None  # the other writer
        return original(services, job)  # ours, now stale

    monkeypatch.setattr(lifecycle, "mark_queued", late_ingest_first)
    [(message_id, text)] = messages_for(services, ident)
    process_message(services, text, message_id=message_id)  # raises if it gave the message back
    job = services.jobs.get(tenant, ident)
    assert job is not None and job.status == JobStatus.COMPLETED and job.attempts == 1


def test_lost_message_is_sent_again_once_then_the_job_fails(
    services: Services, key: str, tenant: str, clock
) -> None:
    ident, client = _uploaded(services, key)
    ingest.ingest_blob(services, client)
    assert _drain(services, ident) == 1  # the message is lost
    clock.advance(seconds=QUEUED_RESEND_AFTER.total_seconds() - 60)
    sweep(services)
    assert _drain(services, ident) == 0  # a job may wait its turn that long

    clock.advance(minutes=2)
    sweep(services)
    job = services.jobs.get(tenant, ident)
    assert job is not None and job.status == JobStatus.QUEUED and job.resent_at is not None
    assert _drain(services, ident) == 1  # sent again, and lost again
    clock.advance(seconds=QUEUED_RESEND_AFTER.total_seconds() * 2)
    sweep(services)
    assert _drain(services, ident) == 0  # sent again once only

    clock.advance(seconds=QUEUED_GIVE_UP_AFTER.total_seconds())
    sweep(services)
    final = status_of(services, key, ident)
    assert final["status"] == "failed" and final["errorCode"] == "not_processed"
    assert "no worker picked the job up" in final["error"]
    assert not client.exists()
