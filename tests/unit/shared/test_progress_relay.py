"""What a running job's progress shows (Azurite): the tool's latest report, paced, never a
step it has left, and nothing once the run is over."""

from __future__ import annotations

import time

from shared.context import Services
from shared.jobs import Job
from shared.pipeline import lifecycle
from shared.pipeline.lifecycle import ProgressRelay
from tests.unit.shared.test_flow import queued_job


def _running(services: Services, tenant: str) -> Job:
    ident, _ = queued_job(services, tenant, "base64-codec")
    job = services.jobs.get(tenant, ident)
    assert job is not None
    started = lifecycle.start(services, job, "m")
    assert started is not None and started.current_step == "Starting"
    return started


def _stored(services: Services, job: Job) -> Job:
    stored = services.jobs.get(job.tenant, job.execution_id)
    assert stored is not None
    return stored


def test_reports_within_an_interval_show_as_the_latest_one(services: Services, tenant: str) -> None:
    job = _running(services, tenant)
    with ProgressRelay(services, job, interval=0.5) as relay:
        relay(5, "Reading image")
        relay(30, "Converting to WEBP")  # replaces the report still waiting for its turn
        deadline = time.monotonic() + 10
        while _stored(services, job).current_step == "Starting" and time.monotonic() < deadline:
            time.sleep(0.05)
    stored = _stored(services, job)
    assert (stored.progress, stored.current_step) == (30, "Converting to WEBP")
    assert relay.job.etag == stored.etag  # the completion writes over this very version


def test_a_run_over_within_the_interval_writes_no_progress(services: Services, tenant: str) -> None:
    job = _running(services, tenant)
    with ProgressRelay(services, job, interval=60) as relay:
        relay(5, "Reading image")
        relay(100, "Done")
    assert relay.job is job
    stored = _stored(services, job)
    assert (stored.etag, stored.current_step) == (job.etag, "Starting")


def test_the_tools_closing_report_is_left_to_the_completion(
    services: Services, tenant: str
) -> None:
    job = _running(services, tenant)
    with ProgressRelay(services, job, interval=0) as relay:
        relay(100, "Done")
        relay(40, "Encoding")
        deadline = time.monotonic() + 10
        while _stored(services, job).current_step == "Starting" and time.monotonic() < deadline:
            time.sleep(0.05)
    stored = _stored(services, job)
    assert (stored.progress, stored.current_step) == (40, "Encoding")
