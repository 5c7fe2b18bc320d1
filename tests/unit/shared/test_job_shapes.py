"""Multi-file jobs, no-file jobs and inline (sync) runs."""

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
from shared.api.run import run_sync
from shared.context import Services
from shared.pipeline.cleanup import sweep
from shared.pipeline.ingest import ingest_blob
from shared.pipeline.process import process_message
from tests.unit.shared.test_flow import call, messages_for, status_of

pytestmark = pytest.mark.usefixtures("fake_tools")


def _ingest_url(services: Services, url: str) -> BlobClient:
    name = url.split("?")[0].split("/data-uploads/", 1)[1]
    client = services.storage.blob_service.get_blob_client("data-uploads", name)
    ingest_blob(services, client)
    return client


def _multi(
    services: Services, key: str, names: tuple[str, str] = ("a.txt", "b.txt"), **params: Any
) -> dict[str, Any]:
    files = [{"filename": name, "size": 3} for name in names]
    status, body, _ = call(
        services,
        key,
        api_tools.create_upload,
        route={"tool": "test-concat"},
        body={"files": files, "parameters": params},
    )
    assert status == 201, body
    assert [u["filename"] for u in body["uploads"]] == list(names)
    return body


def test_multi_file_job_waits_for_every_file(services: Services, key: str) -> None:
    body = _multi(services, key)
    ident = body["executionId"]
    first, second = body["uploads"]
    assert f"/{ident}/0.txt?" in first["url"] and f"/{ident}/1.txt?" in second["url"]
    BlobClient.from_blob_url(second["url"]).upload_blob(b"BBB")
    _ingest_url(services, second["url"])
    _ingest_url(services, second["url"])  # the same event twice still counts once
    assert status_of(services, key, ident)["status"] == "pending"
    assert messages_for(services, ident) == []
    BlobClient.from_blob_url(first["url"]).upload_blob(b"AAA")
    _ingest_url(services, first["url"])
    assert status_of(services, key, ident)["status"] == "queued"
    [(message_id, text)] = messages_for(services, ident)
    process_message(services, text, message_id=message_id)
    final = status_of(services, key, ident)
    assert final["status"] == "completed" and final["inputFilenames"] == ["a.txt", "b.txt"]
    assert final["outputFilename"] == "joined.txt"  # the tool names its output
    status, _, headers = call(
        services, key, api_executions.download, method="GET", route={"id": ident}
    )
    assert status == 302 and httpx.get(headers["Location"]).content == b"AAABBB"


def test_a_missing_file_fails_the_job_at_sas_expiry(services: Services, key: str, clock) -> None:
    body = _multi(services, key)
    ident = body["executionId"]
    BlobClient.from_blob_url(body["uploads"][0]["url"]).upload_blob(b"AAA")
    arrived = _ingest_url(services, body["uploads"][0]["url"])
    sweep(services)
    assert status_of(services, key, ident)["status"] == "pending"
    clock.advance(minutes=services.settings.upload_sas_minutes + 2)
    sweep(services)
    final = status_of(services, key, ident)
    assert final["status"] == "failed" and final["error"] == "upload never arrived: b.txt"
    assert not arrived.exists()


def test_file_count_is_checked(services: Services, key: str) -> None:
    status, body, _ = call(
        services,
        key,
        api_tools.create_upload,
        route={"tool": "test-concat"},
        body={"files": [{"filename": "a.txt", "size": 3}]},
    )
    assert status == 400 and body["code"] == "file_count"


def test_tools_see_each_input_under_its_uploaded_name(services: Services, key: str) -> None:
    body = _multi(services, key, ("same.txt", "same.txt"), with_names=True)
    for upload, data in zip(body["uploads"], (b"AAA", b"BBB"), strict=True):
        BlobClient.from_blob_url(upload["url"]).upload_blob(data)
        _ingest_url(services, upload["url"])
    [(message_id, text)] = messages_for(services, body["executionId"])
    process_message(services, text, message_id=message_id)
    status, _, headers = call(
        services, key, api_executions.download, method="GET", route={"id": body["executionId"]}
    )
    assert status == 302
    assert httpx.get(headers["Location"]).content == b"same.txt:AAAsame.txt:BBB"


def test_no_file_job_is_queued_at_once(services: Services, key: str) -> None:
    status, body, _ = call(
        services,
        key,
        api_tools.create_job,
        route={"tool": "test-echo"},
        body={"parameters": {"text": "ab", "times": 3}},
    )
    assert status == 201 and body["status"] == "queued", body
    [(message_id, text)] = messages_for(services, body["executionId"])
    process_message(services, text, message_id=message_id)
    final = status_of(services, key, body["executionId"])
    assert final["status"] == "completed" and final["outputSize"] == 6
    status, body, _ = call(
        services, key, api_tools.create_job, route={"tool": "base64-codec"}, body={}
    )
    assert status == 400 and body["code"] == "files_expected"


def _run(
    services: Services,
    key: str,
    tool: str,
    *,
    file: tuple[str, bytes] | None,
    params: dict[str, Any] | None,
) -> tuple[int, Any]:
    request = ApiRequest(
        method="POST",
        url="http://h/api/v1/tools/x/run/",
        headers={"X-API-Key": key},
        route={"tool": tool},
    )
    answer = handle(
        services, request, lambda s, r, c: run_sync(s, r, c, file=file, raw_parameters=params)
    )
    return answer.status, json.loads(answer.body)


def test_sync_run_answers_inline_and_is_in_history(
    services: Services, key: str, tenant: str, clock
) -> None:
    status, body = _run(services, key, "test-echo", file=None, params={"text": "xy", "times": 2})
    assert status == 200 and body["result"] == "xyxy" and body["status"] == "completed"
    clock.advance(seconds=1)
    status, body = _run(services, key, "base64-codec", file=("b.bin", b"\x00\x01binary"), params={})
    assert status == 200 and base64.b64decode(body["result"]) == b"\x00\x01binary"
    clock.advance(seconds=1)
    status, body = _run(
        services,
        key,
        "base64-codec",
        file=("b.txt", base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"\x00" * 40)),
        params={"mode": "decode"},
    )
    assert status == 200 and body["outputFilename"] == "b.png"
    assert base64.b64decode(body["resultBase64"]).startswith(b"\x89PNG")
    history = [j.tool for j in services.jobs.history(tenant)]
    assert history == ["base64-codec", "base64-codec", "test-echo"]


def test_sync_run_limits(services: Services, key: str) -> None:
    status, body = _run(
        services, key, "base64-codec", file=("big.bin", b"x" * (1024 * 1024 + 1)), params=None
    )
    assert status == 413
    status, body = _run(services, key, "test-concat", file=("a.txt", b"x"), params=None)
    assert status == 400 and body["code"] == "not_sync"


def test_concurrent_duplicate_arrivals_run_the_job_once(
    services: Services, key: str, tenant: str
) -> None:
    """At-least-once by design: racing duplicate events may each send a message (sent
    before the `queued` write, so a crash never strands a job); the processor runs one."""
    from concurrent.futures import ThreadPoolExecutor

    body = _multi(services, key)
    for upload, data in zip(body["uploads"], (b"AAA", b"BBB"), strict=True):
        BlobClient.from_blob_url(upload["url"]).upload_blob(data)
    urls = [u["url"] for u in body["uploads"]] * 3  # each event delivered three times, at once
    with ThreadPoolExecutor(max_workers=6) as pool:
        list(pool.map(lambda url: _ingest_url(services, url), urls))
    assert status_of(services, key, body["executionId"])["status"] == "queued"
    messages = messages_for(services, body["executionId"])
    assert 1 <= len(messages) <= 6
    for message_id, text in messages:
        process_message(services, text, message_id=message_id)
    final = services.jobs.get(tenant, body["executionId"])
    assert final is not None and final.status == "completed" and final.attempts == 1
