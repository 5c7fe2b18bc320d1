"""The job flow driven by hand on Azurite: API handler → SAS upload → ingest → process.

The triggers are called directly (devhost is tested in tests/integration/pipeline), so
each step's effect on the record, the blobs and the queue is checked in isolation.
"""

from __future__ import annotations

import base64
import json
from typing import Any

import httpx
import pytest
from azure.storage.blob import BlobClient

from shared.api import executions as api_executions
from shared.api import tools as api_tools
from shared.api.http import ApiRequest, handle
from shared.context import Services
from shared.pipeline.ingest import ingest_blob
from shared.pipeline.process import poison_message, process_message
from shared.states import JobStatus

API = "http://testhost/api"


def call(
    services: Services,
    key: str,
    handler: Any,
    *,
    method: str = "POST",
    route: dict[str, str] | None = None,
    body: Any = None,
    path: str = "/x",
    params: dict[str, str] | None = None,
) -> tuple[int, Any, dict[str, str]]:
    request = ApiRequest(
        method=method,
        url=f"{API}{path}",
        headers={"X-API-Key": key},
        route=route or {},
        params=params or {},
        body=json.dumps(body).encode() if body is not None else b"",
    )
    answer = handle(services, request, handler)
    return answer.status, json.loads(answer.body) if answer.body else None, dict(answer.headers)


def start_upload(
    services: Services, key: str, filename: str, data: bytes, **params: Any
) -> dict[str, Any]:
    status, body, _ = call(
        services,
        key,
        api_tools.create_upload,
        route={"tool": "base64-codec"},
        body={"filename": filename, "size": len(data), "parameters": params},
    )
    assert status == 201, body
    return body


def upload(body: dict[str, Any], data: bytes) -> BlobClient:
    assert body["upload"]["headers"] == {"x-ms-blob-type": "BlockBlob"}
    client = BlobClient.from_blob_url(body["upload"]["url"])
    client.upload_blob(data, overwrite=True)
    return client


def blob_client(services: Services, url: str) -> BlobClient:
    name = url.split("?")[0].split("/data-uploads/", 1)[1]
    return services.storage.blob_service.get_blob_client("data-uploads", name)


def messages_for(services: Services, execution_id: str) -> list[Any]:
    """The job's messages on `data-jobs`, each hidden for 2 s once read. Every page is read:
    the messages earlier tests left on the shared queue must not hide this job's."""
    found: dict[str, tuple[str, str]] = {}
    for message in services.storage.queue("data-jobs").receive_messages(
        messages_per_page=32, max_messages=1000, visibility_timeout=2
    ):
        text = base64.b64decode(message.content).decode()  # the host expects base64
        if json.loads(text)["executionId"] == execution_id:
            found.setdefault(message.id, (message.id, text))
    return list(found.values())


def status_of(services: Services, key: str, execution_id: str) -> dict[str, Any]:
    status, body, _ = call(
        services, key, api_executions.status, method="GET", route={"id": execution_id}
    )
    assert status == 200, body
    return body


def test_happy_path_end_to_end(services: Services, key: str, tenant: str) -> None:
    data = b"hello pipeline " * 1000
    body = start_upload(services, key, "notes.bin", data)
    ident = body["executionId"]
    assert (
        body["status"] == "pending" and body["statusUrl"] == f"{API}/v1/executions/{ident}/status/"
    )
    upload(body, data)

    client = blob_client(services, body["upload"]["url"])
    ingest_blob(services, client)
    queued = services.jobs.get(tenant, ident)
    # A duplicate event (or the retry of an attempt that died after its write) changes
    # nothing in the record and sends the message again: the first may never have gone out.
    ingest_blob(services, client)
    assert services.jobs.get(tenant, ident) == queued and queued.status == "queued"
    sent = messages_for(services, ident)
    assert len(sent) == 2
    message_id, text = sent[0]
    message = json.loads(text)
    traceparent = message.pop("traceparent")
    record, etag = message.pop("job"), message.pop("etag")
    assert message == {"executionId": ident, "tenant": tenant, "tool": "base64-codec"}
    # It carries the record as stored, with its ETag, and continues the request's trace.
    assert record == queued.model_dump(mode="json") and etag == queued.etag
    assert traceparent.split("-")[1] == queued.traceparent.split("-")[1]

    process_message(services, text, message_id=message_id)
    process_message(services, sent[1][1], message_id=sent[1][0])  # duplicate message
    process_message(services, text, message_id="another-message")  # a redelivered copy
    assert services.jobs.get(tenant, ident).attempts == 1
    final = status_of(services, key, ident)
    assert final["status"] == "completed" and final["progress"] == 100
    assert final["outputFilename"] == "notes.txt"
    assert final["inputSize"] == len(data) and final["outputSize"] == len(base64.b64encode(data))
    assert final["downloadUrl"].startswith(f"{API}/v1/executions/{ident}/download/?tenant=")
    assert not client.exists()  # the upload is removed once processed

    status, _, headers = call(
        services, key, api_executions.download, method="GET", route={"id": ident}
    )
    assert status == 302
    fetched = httpx.get(headers["Location"])
    assert base64.b64decode(fetched.content) == data
    assert 'filename="notes.txt"' in fetched.headers["content-disposition"]

    # Browsers ask for the URL as JSON and navigate to it (no redirect through fetch).
    status, link, headers = call(
        services,
        key,
        api_executions.download,
        method="GET",
        route={"id": ident},
        params={"redirect": "false"},
    )
    assert status == 200 and headers["Cache-Control"] == "no-store"
    assert link["filename"] == "notes.txt" and link["expiresInSeconds"] == 300
    assert base64.b64decode(httpx.get(link["url"]).content) == data


def test_wrong_magic_bytes_fail_with_a_clear_message(services: Services, key: str) -> None:
    status, body, _ = call(
        services,
        key,
        api_tools.create_upload,
        route={"tool": "image-format-converter"},
        body={"filename": "cat.png", "size": 10},
    )
    assert status == 201, body
    client = BlobClient.from_blob_url(body["upload"]["url"])
    client.upload_blob(b"not an image at all", overwrite=True)
    stored = services.storage.blob_service.get_blob_client("image-uploads", client.blob_name)
    ingest_blob(services, stored)
    final = status_of(services, key, body["executionId"])
    assert final["status"] == "failed"
    assert "does not match an accepted type" in final["error"]
    assert final["errorCode"] == "unsupported_type"
    assert not stored.exists()


def test_oversize_upload_fails_and_is_deleted(
    services: Services, key: str, make_settings, provisioned
) -> None:
    small = Services(make_settings(max_upload_bytes=100), clock=services.clock)
    body = start_upload(small, key, "a.bin", b"x" * 50)
    upload(body, b"x" * 500)  # the SAS cannot limit size: ingest checks the real one
    client = blob_client(small, body["upload"]["url"])
    ingest_blob(small, client)
    final = status_of(small, key, body["executionId"])
    assert final["status"] == "failed" and "limit is 100 bytes" in final["error"]
    assert not client.exists()


def test_declared_size_and_type_are_checked_before_the_sas(services: Services, key: str) -> None:
    status, body, _ = call(
        services,
        key,
        api_tools.create_upload,
        route={"tool": "image-format-converter"},
        body={"filename": "x.exe", "size": 10},
    )
    assert status == 415 and body["code"] == "unsupported_type"
    status, body, _ = call(
        services,
        key,
        api_tools.create_upload,
        route={"tool": "base64-codec"},
        body={"filename": "x.bin", "size": 10**12},
    )
    assert status == 413 and body["code"] == "too_large"
    status, body, _ = call(
        services,
        key,
        api_tools.create_upload,
        route={"tool": "base64-codec"},
        body={"filename": "x.bin", "size": 5, "parameters": {"mode": "up"}},
    )
    assert (
        status == 400
        and body["code"] == "invalid_parameters"
        and "Mode must be encode or decode" in body["error"]
    )
    status, body, _ = call(
        services,
        key,
        api_tools.create_upload,
        route={"tool": "nope"},
        body={"filename": "x.bin", "size": 5},
    )
    assert status == 404


def queued_job(services: Services, tenant: str, tool: str) -> tuple[str, str]:
    """A `queued` job of `tool` whose one upload is in place: its id and its queue message."""
    from shared.jobs import InputFile, Job
    from shared.naming import new_execution_id

    blob = f"{tenant}/{tool}.bin"
    job = services.jobs.create(
        Job(
            execution_id=new_execution_id(),
            tenant=tenant,
            tool=tool,
            category="data",
            inputs=[InputFile(filename="a.bin", size=1, blob=blob, arrived=True)],
            status=JobStatus.QUEUED,
        )
    )
    services.storage.blob_service.get_blob_client("data-uploads", blob).upload_blob(
        b"x", overwrite=True
    )
    message = {"executionId": job.execution_id, "tenant": tenant, "tool": tool}
    return job.execution_id, json.dumps(message)


@pytest.mark.usefixtures("fake_tools")
def test_transient_failures_retry_then_poison_fails_the_job(
    services: Services, key: str, tenant: str
) -> None:
    ident, body = queued_job(services, tenant, "test-broken")
    for _ in range(2):
        with pytest.raises(Exception, match="disk on fire"):
            process_message(services, body, message_id="m1")
    stored = services.jobs.get(tenant, ident)
    assert stored is not None and stored.status == JobStatus.PROCESSING and stored.attempts == 2
    poison_message(services, body)
    final = status_of(services, key, ident)
    assert final["status"] == "failed" and final["error"] == "processing failed after 2 attempts"


@pytest.mark.usefixtures("fake_tools")
def test_invalid_input_fails_at_once_and_progress_is_recorded(
    services: Services, key: str, tenant: str
) -> None:
    ident, body = queued_job(services, tenant, "test-picky")
    process_message(services, body, message_id="m")
    final = status_of(services, key, ident)
    assert final["status"] == "failed" and final["error"] == "this file is not to my taste"
