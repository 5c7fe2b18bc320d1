"""A job whose run waits for room in the instance's memory budget (Azurite; the real
base64-codec tool): it stays `queued` while it waits, runs when the room is there, and when
none comes within the wait its message goes back to the queue without spending a delivery."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest

from shared.context import Services
from shared.pipeline import process
from shared.pipeline.budget import instance_budget
from shared.pipeline.process import process_message
from shared.settings import Settings
from shared.states import JobStatus
from tests.unit.shared.conftest import Clock
from tests.unit.shared.test_flow import messages_for, queued_job

BUDGET_MB = 4321  # a budget of its own: no other test reserves from it


@pytest.fixture
def services(
    make_settings: Callable[..., Settings], clock: Clock, provisioned: Settings
) -> Services:
    return Services(
        make_settings(instance_memory_mb=BUDGET_MB, tool_memory_mb=BUDGET_MB), clock=clock
    )


def test_a_job_waiting_for_room_stays_queued_then_runs(services: Services, tenant: str) -> None:
    ident, body = queued_job(services, tenant, "base64-codec")
    with instance_budget(BUDGET_MB).reserve(BUDGET_MB, timeout=0):  # another run holds it all
        worker = threading.Thread(
            target=process_message, args=(services, body), kwargs={"message_id": "m"}
        )
        worker.start()
        time.sleep(0.5)  # the worker has fetched the input and waits for the room
        assert worker.is_alive()
        waiting = services.jobs.get(tenant, ident)
        assert waiting is not None and waiting.status == JobStatus.QUEUED
        assert waiting.started_at is None
    worker.join(60)
    final = services.jobs.get(tenant, ident)
    assert final is not None and final.status == JobStatus.COMPLETED, final
    assert final.attempts == 1 and final.started_at is not None


def test_no_room_within_the_wait_gives_the_message_back(
    services: Services, tenant: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(process, "ROOM_WAIT_SECONDS", 0.2)
    monkeypatch.setattr(process, "GIVE_BACK_DELAY_SECONDS", 1)
    ident, body = queued_job(services, tenant, "base64-codec")
    with instance_budget(BUDGET_MB).reserve(BUDGET_MB, timeout=0):
        process_message(services, body, message_id="m")  # returns: the host deletes it
    job = services.jobs.get(tenant, ident)
    assert job is not None and job.status == JobStatus.QUEUED and job.attempts == 0
    deadline = time.monotonic() + 30
    while not (copies := messages_for(services, ident)) and time.monotonic() < deadline:
        time.sleep(0.2)  # visible again after the delay
    assert [text for _, text in copies] == [body]  # a fresh message: no delivery spent
    process_message(services, body, message_id=copies[0][0])  # the room is free now
    final = services.jobs.get(tenant, ident)
    assert final is not None and final.status == JobStatus.COMPLETED, final


def test_a_resent_message_for_a_running_job_neither_fetches_nor_waits_for_room(
    services: Services, tenant: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from shared.pipeline import lifecycle

    monkeypatch.setattr(process, "ROOM_WAIT_SECONDS", 0.2)
    monkeypatch.setattr(process, "GIVE_BACK_DELAY_SECONDS", 0)
    fetched: list[str] = []
    fetch = process._fetch_inputs
    monkeypatch.setattr(
        process,
        "_fetch_inputs",
        lambda s, job, folder: fetched.append(job.execution_id) or fetch(s, job, folder),
    )
    ident, body = queued_job(services, tenant, "base64-codec")
    queued = services.jobs.get(tenant, ident)
    assert queued is not None
    running = lifecycle.start(services, queued, "first")  # its first message runs it
    assert running is not None
    resent = lifecycle.JobMessage.for_job(running).to_json()  # the sweep's resend: no record
    with instance_budget(BUDGET_MB).reserve(BUDGET_MB, timeout=0):  # the first run's room
        process_message(services, resent, message_id="second")
    assert fetched == [] and messages_for(services, ident) == []  # nothing fetched, none given back
    job = services.jobs.get(tenant, ident)
    assert job is not None and job.status == JobStatus.PROCESSING
    assert job.message_id == "first" and job.attempts == 1

    process_message(services, body, message_id="first")  # its own redelivery still runs it
    assert fetched == [ident]
    final = services.jobs.get(tenant, ident)
    assert final is not None and final.status == JobStatus.COMPLETED, final
