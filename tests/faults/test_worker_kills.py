"""devhost's worker processes SIGKILLed at random points of a run of jobs: every job still
reaches a final state, a completed one with exactly one output of the right bytes, and no
upload is left behind.

A kill takes the worker's queue, blob and timer listeners and the jobs it runs with it;
devhost starts a new worker, a killed job's message is delivered again once its hold on
the queue lapses, and a killed ingest runs again once its receipt's lease does. A job
killed on every one of its five deliveries would end `failed` with a readable message
(the poison queue), which the campaign allows and counts.
"""

from __future__ import annotations

import random
import threading
from typing import Any

import pytest

from shared.context import Services
from tests.faults.conftest import FULL, record
from tests.faults.rig import Jobs, running_a_tool, worker_processes

pytestmark = pytest.mark.integration

JOBS = 200 if FULL else 16
KILLS = 40 if FULL else 3


def test_workers_killed_at_random_points(devhost: Any, services: Services) -> None:
    rng = random.Random()
    seed = rng.randrange(1 << 30)
    rng.seed(seed)
    jobs = Jobs(devhost.base_url, services)
    stop = threading.Event()
    kills: list[int] = []

    def killer() -> None:
        """After a random pause, SIGKILL a worker: every other time one that runs a tool
        right now, else any worker while a job is in flight (downloading, storing...)."""
        while len(kills) < KILLS and not stop.wait(rng.uniform(0.2, 2.0 if FULL else 0.5)):
            while not stop.wait(0.02):
                live = worker_processes(devhost)
                if len(kills) % 2 == 0:
                    live = [w for w in live if running_a_tool(w)]
                elif not jobs.running():
                    continue
                if live:
                    victim = rng.choice(live)
                    victim.kill()
                    kills.append(victim.pid)
                    break

    thread = threading.Thread(target=killer, daemon=True)
    thread.start()
    try:
        jobs.submit(JOBS)
        thread.join(KILLS * 3.0)
        jobs.wait_final(120 + JOBS * 1.5)
    finally:
        stop.set()
        thread.join()
    outcome = jobs.judge()
    retried = sum(
        1 for j in jobs.jobs if (services.jobs.get(jobs.tenant, j.execution_id) or j).attempts > 1
    )
    record("worker-kills", jobs=JOBS, kills=len(kills), retried=retried, outcome=outcome, seed=seed)
    for job in jobs.jobs:
        if job.status["status"] == "failed":
            assert job.status["errorCode"] == "processing_failed", (seed, job.status)
    assert sum(outcome.values()) == JOBS and len(kills) == KILLS, (seed, outcome, kills)
    if not FULL:  # three kills cannot fail a job five times
        assert outcome == {"completed": JOBS}, (seed, outcome)
        assert retried > 0, "no kill hit a job in flight"
    assert worker_processes(devhost) and jobs.http.get("/health").status_code == 200
    jobs.close()
