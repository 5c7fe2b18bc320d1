"""Storage goes away mid-run and comes back on the same data: every job resumes.

Jobs are submitted, and while one is being processed (the rest queued or in flight) Azurite
is stopped. While it is gone the API answers 503 with Retry-After — for a status read and
for a key it has not seen yet (never a 401 that blames the key, nor a 500) — and /ready
says "not ready" at once. Azurite then starts again on its data directory and ports, and
every job must end completed with exactly one output of the right bytes, no upload left,
devhost alive.

Azurite is stopped with SIGTERM, which makes it write its databases before it exits: from
the app's side the storage vanishes just the same (connections reset, then refused), but
no write it acknowledged is lost. A SIGKILL would lose them (Azurite saves its metadata
every 5 s), which Azure storage never does, and the test would judge Azurite, not the app.
"""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest

from shared.context import Services
from tests.faults.conftest import FULL, record
from tests.faults.rig import Jobs, PersistentAzurite

pytestmark = pytest.mark.integration

JOBS = 40 if FULL else 12
OUTAGES = 3 if FULL else 1


def _answers_while_down(jobs: Jobs, services: Services, execution_id: str) -> None:
    status = jobs.http.get(f"/v1/executions/{execution_id}/status/")
    assert status.status_code == 503, status.text
    assert status.json()["code"] == "unavailable" and int(status.headers["Retry-After"]) > 0
    unseen = jobs.http.get(
        "/v1/executions/", headers={"X-API-Key": f"mtb_{uuid.uuid4().hex[:12]}_{'k' * 24}"}
    )
    assert unseen.status_code == 503, unseen.text  # cannot check a key: not "wrong key"
    ready = jobs.http.get("/ready")
    assert ready.status_code == 503 and ready.json()["status"] == "not ready"


def test_jobs_resume_after_storage_restarts(
    storage: PersistentAzurite, devhost: Any, services: Services
) -> None:
    jobs = Jobs(devhost.base_url, services)
    submitted = jobs.submit(JOBS)
    stops: list[datetime] = []
    for outage in range(OUTAGES):
        # Part way: once a share of the jobs is done and another runs, storage goes away.
        done = outage * JOBS // OUTAGES
        deadline = time.monotonic() + 120
        while not (jobs.stored("completed") >= done and jobs.running()):
            assert time.monotonic() < deadline, f"no job in flight after {done} completed"
            time.sleep(0.05)
        storage.stop()
        stops.append(datetime.now(UTC))
        _answers_while_down(jobs, services, submitted[0].execution_id)
        storage.start()
    jobs.wait_final(300)
    outcome = jobs.judge()
    assert outcome == {"completed": JOBS}, outcome
    finished = [datetime.fromisoformat(j.status["completedAt"]) for j in jobs.jobs]
    assert any(at > stops[-1] for at in finished), "every job finished before the outage"
    assert jobs.http.get("/health").status_code == 200
    record("storage-restart", jobs=JOBS, outages=OUTAGES, outcome=outcome)
    jobs.close()
