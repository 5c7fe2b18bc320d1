"""A queued job whose run waits for room in the instance's memory budget says so on its
status, then runs when the room is there (Azurite; the real base64-codec tool)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest

from shared.context import Services
from shared.pipeline.budget import instance_budget
from shared.pipeline.process import WAITING_STEP, process_message
from shared.settings import Settings
from shared.states import JobStatus
from tests.unit.shared.conftest import Clock
from tests.unit.shared.test_flow import queued_job

BUDGET_MB = 4321  # a budget of its own: no other test reserves from it


@pytest.mark.usefixtures("provisioned")
def test_a_job_waiting_for_room_shows_it_then_completes(
    make_settings: Callable[..., Settings], clock: Clock, tenant: str
) -> None:
    services = Services(
        make_settings(instance_memory_mb=BUDGET_MB, tool_memory_mb=BUDGET_MB), clock=clock
    )
    ident, body = queued_job(services, tenant, "base64-codec")
    steps: list[str | None] = []

    def current_step() -> str | None:
        job = services.jobs.get(tenant, ident)
        assert job is not None
        return job.current_step

    with instance_budget(BUDGET_MB).reserve(BUDGET_MB, timeout=0):  # another run holds it all
        worker = threading.Thread(
            target=process_message, args=(services, body), kwargs={"message_id": "m"}
        )
        worker.start()
        deadline = time.monotonic() + 30
        while current_step() != WAITING_STEP and time.monotonic() < deadline:
            time.sleep(0.05)
        steps.append(current_step())
        job = services.jobs.get(tenant, ident)
        assert job is not None and job.status == JobStatus.PROCESSING
    worker.join(60)
    assert steps == [WAITING_STEP]
    final = services.jobs.get(tenant, ident)
    assert final is not None and final.status == JobStatus.COMPLETED, final
