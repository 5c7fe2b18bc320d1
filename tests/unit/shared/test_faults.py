"""Faults on real Azurite: a message delivered three times at once converts once; two
sweeps at once, and a sweep killed part-way then run again, leave nothing in progress
touched and everything expired gone."""

from __future__ import annotations

import threading

import pytest

from shared.context import Services
from shared.jobs import Job
from shared.naming import new_execution_id
from shared.pipeline import cleanup
from shared.pipeline.cleanup import sweep
from shared.pipeline.ingest import ingest_blob
from shared.pipeline.process import process_message
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


_WORKER = """
import sys
from shared.context import Services
from shared.pipeline.process import process_message
from shared.settings import Settings
services = Services(Settings(storage_connection_string=sys.argv[1]))
process_message(services, sys.argv[2], message_id=sys.argv[3])
"""


def test_a_worker_killed_at_any_point_leaves_one_final_job_and_one_output(
    services: Services, key: str, tenant: str
) -> None:
    """SIGKILL of the worker at a random moment of each job, then the queue's redelivery of
    the same message: every job ends completed, with exactly one output blob."""
    import random
    import subprocess
    import sys
    import time

    connection = services.settings.storage_connection_string or ""
    rng = random.Random(11)
    jobs = []
    for n in range(6):
        data = f"job {n} ".encode() * 2000
        body = start_upload(services, key, f"{n}.bin", data)
        upload(body, data)
        ingest_blob(services, blob_client(services, body["upload"]["url"]))
        [(message_id, text)] = messages_for(services, body["executionId"])
        worker = subprocess.Popen([sys.executable, "-c", _WORKER, connection, text, message_id])
        time.sleep(rng.uniform(0.0, 2.0))  # a random point of the run: any must be safe
        worker.kill()
        worker.wait()
        jobs.append((body["executionId"], text, message_id))
    for execution_id, text, message_id in jobs:  # the redelivery
        process_message(services, text, message_id=message_id)
        job = services.jobs.get(tenant, execution_id)
        assert job is not None and job.status == JobStatus.COMPLETED, job
        processed = services.storage.blob_service.get_container_client("data-processed")
        assert len(list(processed.list_blobs(name_starts_with=f"{tenant}/{execution_id}"))) == 1
