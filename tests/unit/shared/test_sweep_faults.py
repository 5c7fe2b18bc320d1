"""The retention sweep against bad records, on Azurite with an injected clock.

A synchronous /run/ job with a file once stored its input with an empty blob name; deleting
that record raised, aborted the sweep, and no record of any tenant was deleted again. One
bad record must never stop a sweep: each is handled on its own, logged and counted.
"""

from __future__ import annotations

import json
from typing import Any

from shared.api.http import ApiRequest, handle
from shared.api.run import run_sync
from shared.context import Services
from shared.jobs import InputFile, Job
from shared.naming import new_execution_id
from shared.pipeline.cleanup import sweep
from shared.states import JobStatus
from tests.unit.shared.test_cleanup import _completed


def _run(services: Services, key: str, file: tuple[str, bytes], **params: Any) -> tuple[int, Any]:
    request = ApiRequest(
        method="POST",
        url="http://h/api/v1/tools/base64-codec/run/",
        headers={"X-API-Key": key},
        route={"tool": "base64-codec"},
    )
    answer = handle(
        services, request, lambda s, r, c: run_sync(s, r, c, file=file, raw_parameters=params)
    )
    return answer.status, json.loads(answer.body)


def test_sync_runs_with_a_file_are_deleted_after_retention(
    services: Services, key: str, tenant: str, clock
) -> None:
    status, body = _run(services, key, ("notes.txt", b"hello"))
    assert status == 200, body
    other = _completed(services, f"{tenant}b")
    clock.advance(days=8)
    report = sweep(services)
    assert report.errors == 0
    assert services.jobs.get(tenant, body["executionId"]) is None
    assert services.jobs.get(other.tenant, other.execution_id) is None


def test_a_failed_sync_run_answers_the_tools_message_and_the_job_is_failed(
    services: Services, key: str, tenant: str
) -> None:
    status, body = _run(services, key, ("bad.txt", b"not base64 at all!"), mode="decode")
    assert status == 400, body
    assert body["code"] == "invalid_input" and "base64" in body["error"].lower()
    job = services.jobs.get(tenant, body["details"]["executionId"])
    assert job is not None and job.status == JobStatus.FAILED


def test_a_job_left_processing_with_an_inline_input_times_out(
    services: Services, tenant: str, clock
) -> None:
    job = services.jobs.create(
        Job(
            execution_id=new_execution_id(), tenant=tenant, tool="base64-codec", category="data",
            status=JobStatus.PROCESSING, started_at=clock(),
            inputs=[InputFile(filename="a.txt", size=1, blob="", arrived=True)],
        )
    )  # fmt: skip
    expiring = _completed(services, f"{tenant}b")
    clock.advance(days=2)
    report = sweep(services)
    assert report.errors == 0
    stuck = services.jobs.get(tenant, job.execution_id)
    assert (
        stuck is not None and stuck.status == JobStatus.FAILED and stuck.error_code == "timed_out"
    )
    expired = services.jobs.get(expiring.tenant, expiring.execution_id)
    assert expired is not None and expired.status == JobStatus.EXPIRED


def test_records_that_raise_are_counted_and_the_sweep_goes_on(
    services: Services, tenant: str, clock
) -> None:
    good = _completed(services, tenant)
    bad_category = services.jobs.create(
        good.model_copy(
            update={"execution_id": new_execution_id(), "row_key": "", "category": "Bad Name!"}
        )
    )
    unreadable = {
        "PartitionKey": tenant,
        "RowKey": f"0000000000000_{new_execution_id()}",
        "status": "completed",
        "inputs": "{not json",
        "created_at": clock(),
    }
    services.storage.jobs_table.create_entity(unreadable)
    clock.advance(days=1)
    report = sweep(services)
    assert report.errors == 2  # the unreadable record and the one whose delete raised
    assert report.expired >= 1
    expired = services.jobs.get(tenant, good.execution_id)
    assert expired is not None and expired.status == JobStatus.EXPIRED
    assert services.jobs.get(tenant, bad_category.execution_id) is not None
    services.storage.jobs_table.delete_entity(tenant, unreadable["RowKey"])
    services.jobs.delete(bad_category)
