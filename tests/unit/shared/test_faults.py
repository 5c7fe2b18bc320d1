"""Faults on real Azurite: a message delivered three times at once converts once; two
sweeps at once, and a sweep killed part-way then run again, leave nothing in progress
touched and everything expired gone; two attempts of one job racing keep its output; a
redelivery finishes what a killed attempt left. Workers SIGKILLed mid-job through devhost:
tests/faults/test_worker_kills.py."""

from __future__ import annotations

import base64
import contextlib
import threading
from pathlib import Path

import pytest

from shared.context import Services
from shared.jobs import Job
from shared.naming import new_execution_id
from shared.pipeline import cleanup, lifecycle
from shared.pipeline.cleanup import sweep
from shared.pipeline.ingest import ingest_blob
from shared.pipeline.process import process_message, run_and_store
from shared.states import JobStatus
from tests.unit.shared.test_cleanup import _completed
from tests.unit.shared.test_flow import blob_client, messages_for, start_upload, upload


def test_one_message_delivered_three_times_at_once_converts_once(
    services: Services, key: str, tenant: str
) -> None:
    body = start_upload(services, key, "a.bin", b"once only")
    upload(body, b"once only")
    ingest_blob(services, blob_client(services, body["upload"]["url"]))
    [(message_id, text)] = messages_for(services, body["executionId"])
    threads = [
        threading.Thread(target=process_message, args=(services, text), kwargs={"message_id": m})
        for m in (message_id, f"{message_id}-dup1", f"{message_id}-dup2")
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    job = services.jobs.get(tenant, body["executionId"])
    assert job is not None and job.status == JobStatus.COMPLETED and job.attempts == 1
    processed = services.storage.blob_service.get_container_client("data-processed")
    outputs = list(processed.list_blobs(name_starts_with=f"{tenant}/{body['executionId']}"))
    assert len(outputs) == 1


def _processing(services: Services, tenant: str) -> Job:
    return services.jobs.create(
        Job(
            execution_id=new_execution_id(), tenant=tenant, tool="pdf-to-text", category="pdf",
            status=JobStatus.PROCESSING, started_at=services.clock(),
        )
    )  # fmt: skip


def test_two_sweeps_at_once_expire_everything_once_and_touch_nothing_in_progress(
    services: Services, tenant: str, clock
) -> None:
    expiring = [_completed(services, tenant) for _ in range(6)]
    clock.advance(days=1, minutes=1)  # past the outputs' retention
    running = _processing(services, tenant)  # started now: well within its timeout
    reports = []
    threads = [threading.Thread(target=lambda: reports.append(sweep(services))) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert [r.errors for r in reports] == [0, 0]
    assert sum(r.expired for r in reports) >= len(expiring)  # each at least once...
    for job in expiring:  # ...and every one of them expired, its blob gone
        current = services.jobs.get(tenant, job.execution_id)
        assert current is not None and current.status == JobStatus.EXPIRED
        blob = services.storage.blob_service.get_blob_client(
            "data-processed", job.output_blob or ""
        )
        assert not blob.exists()
    still = services.jobs.get(tenant, running.execution_id)
    assert still is not None and still.status == JobStatus.PROCESSING


def test_a_sweep_killed_part_way_is_finished_by_the_next(
    services: Services, tenant: str, clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    expiring = [_completed(services, tenant) for _ in range(4)]
    clock.advance(days=1, minutes=1)
    real_expire, calls = cleanup.expire, []

    def dies_after_one(services_: Services, job: Job) -> bool:
        calls.append(job.execution_id)
        if len(calls) > 1:
            raise SystemExit("killed")  # not an Exception: nothing in the sweep catches it
        return real_expire(services_, job)

    monkeypatch.setattr(cleanup, "expire", dies_after_one)
    with pytest.raises(SystemExit):
        sweep(services)
    monkeypatch.setattr(cleanup, "expire", real_expire)
    assert sweep(services).errors == 0
    for job in expiring:
        current = services.jobs.get(tenant, job.execution_id)
        assert current is not None and current.status == JobStatus.EXPIRED


def _two_attempts(services: Services, key: str, tenant: str, data: bytes) -> tuple[Job, Job]:
    """The same message's attempt 1 (still running) and attempt 2 (its redelivery, after
    attempt 1's hold on the message ran out during a storage outage)."""
    body = start_upload(services, key, "a.bin", data)
    upload(body, data)
    ingest_blob(services, blob_client(services, body["upload"]["url"]))
    queued = services.jobs.get(tenant, body["executionId"])
    assert queued is not None
    first = lifecycle.start(services, queued, "m1")
    assert first is not None
    second = lifecycle.start(services, first, "m1")
    assert second is not None and second.attempts == 2
    return first, second


def _finish(services: Services, job: Job, tmp: Path) -> None:
    work = tmp / f"attempt{job.attempts}"
    work.mkdir(parents=True)
    paths = [work / "in.bin"]
    paths[0].write_bytes(b"same input")
    out = run_and_store(
        services, job, inputs=paths, workdir=work, timeout=60, room=contextlib.ExitStack()
    )
    lifecycle.complete(services, job, name=out.name, blob=out.blob, size=out.size, seconds=1)


@pytest.mark.parametrize("late", ["first", "second"])
def test_the_attempt_that_loses_the_race_leaves_the_winners_output(
    services: Services, key: str, tenant: str, tmp_path: Path, late: str
) -> None:
    """Both attempts write the job's one output name; whichever completes second finds the
    job completed (or its CAS stale) and must not delete what the job now points to."""
    first, second = _two_attempts(services, key, tenant, b"same input")
    order = [second, first] if late == "first" else [first, second]
    for attempt in order:
        _finish(services, attempt, tmp_path)
    job = services.jobs.get(tenant, first.execution_id)
    assert job is not None and job.status == JobStatus.COMPLETED and job.output_blob
    output = services.storage.blob_service.get_blob_client("data-processed", job.output_blob)
    assert output.download_blob().readall() == base64.b64encode(b"same input")


def test_an_output_no_job_claims_is_deleted(
    services: Services, key: str, tenant: str, tmp_path: Path
) -> None:
    first, second = _two_attempts(services, key, tenant, b"same input")
    lifecycle.fail(services, second, "gave up", "processing_failed")
    _finish(services, first, tmp_path)
    processed = services.storage.blob_service.get_container_client("data-processed")
    assert list(processed.list_blobs(name_starts_with=f"{tenant}/{first.execution_id}")) == []


def test_a_redelivery_after_a_crash_past_the_final_write_deletes_the_uploads(
    services: Services, key: str, tenant: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Killed between `completed` and deleting the uploads: the message comes back and
    finds the job completed; it must still remove what the dead attempt left."""
    body = start_upload(services, key, "a.bin", b"left behind")
    upload(body, b"left behind")
    stored = blob_client(services, body["upload"]["url"])
    ingest_blob(services, stored)
    [(message_id, text)] = messages_for(services, body["executionId"])

    def killed(*args: object) -> None:
        raise SystemExit("killed")

    monkeypatch.setattr(lifecycle, "delete_uploads", killed)
    with pytest.raises(SystemExit):
        process_message(services, text, message_id=message_id)
    monkeypatch.undo()
    job = services.jobs.get(tenant, body["executionId"])
    assert job is not None and job.status == JobStatus.COMPLETED and stored.exists()
    process_message(services, text, message_id=message_id)
    assert not stored.exists()
