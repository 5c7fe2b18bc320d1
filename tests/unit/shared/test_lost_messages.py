"""No job waits forever: a crash mid-ingest or a lost queue message is recovered.

Ingest sends the message, then marks the job `queued`. Each test breaks one step of that
(or loses the message afterwards) and checks that the processor or the sweep finishes the
job, on real Azurite with an injected clock.
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

    def die(*_: object) -> None:
        raise RuntimeError("the worker died here")

    with monkeypatch.context() as patch:
        patch.setattr(lifecycle, step, die)
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


def test_message_sent_but_queued_mark_lost_is_processed(
    services: Services, key: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    ident, client = _uploaded(services, key)
    _ingest_dying_at("mark_queued", services, client, monkeypatch)
    assert status_of(services, key, ident)["status"] == "pending"
    [(message_id, text)] = messages_for(services, ident)
    process_message(services, text, message_id=message_id)
    assert status_of(services, key, ident)["status"] == "completed"


def test_arrived_job_never_sent_is_dispatched_by_the_sweep(
    services: Services, key: str, clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    ident, client = _uploaded(services, key)
    _ingest_dying_at("enqueue", services, client, monkeypatch)
    assert messages_for(services, ident) == []
    sweep(services)  # the upload window is still open: nothing to do yet
    assert status_of(services, key, ident)["status"] == "pending"

    clock.advance(minutes=17)
    sweep(services)
    assert status_of(services, key, ident)["status"] == "queued"
    [(message_id, text)] = messages_for(services, ident)
    process_message(services, text, message_id=message_id)
    assert status_of(services, key, ident)["status"] == "completed"


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
