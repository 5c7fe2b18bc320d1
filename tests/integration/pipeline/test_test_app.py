"""Behaviour that needs test-only tools (tests/integration/pipeline/app): progress while
processing, transient errors until poison, multi-file jobs, retention via the timer."""

from __future__ import annotations

import time
from datetime import timedelta

import httpx
import pytest
from azure.data.tables import UpdateMode
from azure.storage.blob import BlobClient

from shared.clock import utcnow
from shared.context import Services
from shared.jobs import Job
from tests.integration.pipeline.conftest import Client

pytestmark = pytest.mark.integration


def _upload(client: Client, tool: str, data: bytes, filename: str = "in.txt") -> str:
    answer = client.http.post(
        f"/v1/tools/{tool}/uploads/", json={"filename": filename, "size": len(data)}
    )
    assert answer.status_code == 201, answer.text
    BlobClient.from_blob_url(answer.json()["upload"]["url"]).upload_blob(data)
    return str(answer.json()["executionId"])


def test_polling_sees_progress_then_completed(test_client: Client) -> None:
    ident = _upload(test_client, "test-slow", b"shout")
    final, seen = test_client.wait(ident)
    assert final["status"] == "completed" and final["progress"] == 100
    running = [s for s in seen if s["status"] == "processing" and 0 < s["progress"] < 100]
    assert running and running[-1]["currentStep"].startswith("Working")
    assert (
        httpx.get(
            test_client.http.get(f"/v1/executions/{ident}/download/").headers["location"]
        ).content
        == b"SHOUT"
    )


def test_transient_errors_go_to_poison_then_failed(test_client: Client) -> None:
    ident = _upload(test_client, "test-always-flaky", b"x")
    final, _ = test_client.wait(ident)
    assert final["status"] == "failed", final
    assert final["error"] == "processing failed after 5 attempts"
    assert final["errorCode"] == "processing_failed"


def test_multi_file_job_runs_when_all_files_arrived(test_client: Client) -> None:
    files = [{"filename": f"{n}.txt", "size": 1} for n in "abc"]
    job = test_client.http.post("/v1/tools/test-join/uploads/", json={"files": files}).json()
    urls = [u["url"] for u in job["uploads"]]
    for url, data in zip(urls[::-1], (b"C", b"B"), strict=False):  # out of order, one missing
        BlobClient.from_blob_url(url).upload_blob(data)
    status = test_client.http.get(f"/v1/executions/{job['executionId']}/status/").json()
    assert status["status"] == "pending"
    BlobClient.from_blob_url(urls[0]).upload_blob(b"A")
    final, _ = test_client.wait(job["executionId"])
    assert final["status"] == "completed" and final["inputFilenames"] == ["a.txt", "b.txt", "c.txt"]
    download = test_client.http.get(f"/v1/executions/{job['executionId']}/download/")
    assert httpx.get(download.headers["location"]).content == b"A|B|C"


def test_cleanup_timer_expires_outputs_and_removes_old_records(
    test_client: Client, test_app_host, services: Services
) -> None:
    expiring = _upload(test_client, "test-slow", b"a")
    old = _upload(test_client, "test-slow", b"b")
    for ident in (expiring, old):
        assert test_client.wait(ident)[0]["status"] == "completed"
    # retention is data: move the deadlines into the past, then let devhost fire the timer
    job = services.jobs.get(test_client.tenant, expiring)
    assert job is not None
    past = {
        "PartitionKey": job.tenant,
        "RowKey": job.row_key,
        "expires_at": utcnow() - timedelta(seconds=1),
    }
    services.jobs.table.update_entity(past, mode=UpdateMode.MERGE)
    old_job = services.jobs.get(test_client.tenant, old)
    assert old_job is not None
    services.jobs.delete(old_job)
    backdated = old_job.model_dump() | {"created_at": utcnow() - timedelta(days=8), "row_key": ""}
    services.jobs.create(Job.model_validate(backdated))
    fired = httpx.post(
        f"{test_app_host.base_url}/admin/functions/cleanup",
        json={"input": ""},
        headers=test_app_host.admin_headers,
    )
    assert fired.status_code == 202
    final, _ = test_client.wait(expiring, until=("expired",))
    assert final["status"] == "expired"
    gone = test_client.http.get(f"/v1/executions/{expiring}/download/")
    assert gone.status_code == 410 and gone.json()["code"] == "gone"
    # one cleanup run expires outputs before it deletes old records: wait for the second step
    deadline = time.monotonic() + 30
    while (
        status_code := test_client.http.get(f"/v1/executions/{old}/status/").status_code
    ) != 404 and time.monotonic() < deadline:
        time.sleep(0.3)
    assert status_code == 404
