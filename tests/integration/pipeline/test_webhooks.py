"""Webhooks over devhost: a local receiver gets signed events; failures are retried and
end up recorded on the job; one trace id runs through the job's logs and its webhook."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from standardwebhooks import Webhook

from tests.integration.pipeline.conftest import Client
from tests.webhook_receiver import receiver

pytestmark = pytest.mark.integration

TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
TRACEPARENT = f"00-{TRACE_ID}-00f067aa0ba902b7-01"


def _convert(client: Client, content: bytes, **fields: str) -> str:
    answer = client.http.post(
        "/v1/tools/base64-codec/convert/",
        files={"file": ("notes.txt", content, "text/plain")},
        data=fields,
        headers={"traceparent": TRACEPARENT},
    )
    assert answer.status_code == 201, answer.text
    return str(answer.json()["executionId"])


def _webhook_state(client: Client, execution_id: str, until: str) -> dict[str, Any]:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        status = client.http.get(f"/v1/executions/{execution_id}/status/").json()
        if (status.get("webhook") or {}).get("status") == until:
            return status
        time.sleep(0.3)
    raise AssertionError(f"webhook never reached {until}: {status.get('webhook')}")


def test_a_local_receiver_gets_a_signed_job_completed(client: Client, devhost: Any) -> None:
    with receiver(204) as hook:
        execution_id = _convert(client, b"hello hooks", webhookUrl=hook.url)
        final, _ = client.wait(execution_id)
        assert final["status"] == "completed", final
        (request,) = hook.wait_for(1)
    secret = client.http.get("/v1/webhook-secret/").json()["secret"]
    event = Webhook(secret).verify(request.body, request.headers)
    assert event["type"] == "job.completed"
    assert event["data"]["executionId"] == execution_id
    assert event["data"]["status"] == "completed"
    assert event["data"]["outputFilename"] == "notes-base64.txt"  # never the input's name
    assert request.headers["traceparent"].split("-")[1] == TRACE_ID
    status = _webhook_state(client, execution_id, "delivered")
    assert status["webhook"]["attempts"] == 1

    # One trace through HTTP, ingest, processing and the webhook, each line naming the job.
    lines = [line for line in devhost.log().splitlines() if execution_id in line]
    assert any("message sent to" in line for line in lines)  # ingest queued it
    assert any("attempt 1 of tool" in line for line in lines)  # processing
    assert any("webhook" in line and "delivered" in line for line in lines)
    traces = {m.group(1) for line in lines if (m := re.search(r"trace=([0-9a-f]{32})", line))}
    assert traces == {TRACE_ID}, lines


def test_a_failing_receiver_gets_retries_then_the_job_shows_the_failure(client: Client) -> None:
    with receiver(500) as hook:
        answer = client.http.post(
            "/v1/tools/unit-converter/jobs/",
            json={
                "parameters": {"quantity": "length", "value": 1, "fromUnit": "km", "toUnit": "m"},
                "webhookUrl": hook.url,
            },
        )
        assert answer.status_code == 201, answer.text
        execution_id = answer.json()["executionId"]
        status = _webhook_state(client, execution_id, "failed")
        requests = hook.wait_for(3)
    assert len(requests) == 3  # WEBHOOK_RETRY_DELAYS=1,1 in the test environment
    assert len({r.headers["webhook-id"] for r in requests}) == 1
    assert status["webhook"]["message"] == "webhook: failed after 3 attempts (last: HTTP 500)"
    assert status["status"] == "completed"  # the job itself is not held up by its webhook


def test_a_failed_job_sends_job_failed(client: Client) -> None:
    with receiver(200) as hook:
        answer = client.http.post(  # not a JPEG inside: ingest fails the job
            "/v1/tools/image-format-converter/convert/",
            files={"file": ("photo.jpg", b"not an image at all", "image/jpeg")},
            data={"webhookUrl": hook.url},
        )
        assert answer.status_code == 201, answer.text
        execution_id = answer.json()["executionId"]
        final, _ = client.wait(execution_id)
        assert final["status"] == "failed", final
        (request,) = hook.wait_for(1)
    secret = client.http.get("/v1/webhook-secret/").json()["secret"]
    event = Webhook(secret).verify(request.body, request.headers)
    assert event["type"] == "job.failed" and event["data"]["errorCode"] == "unsupported_type"
    assert event["data"]["downloadUrl"] is None


def test_secret_rotation_keeps_the_old_secret_for_a_day(client: Client) -> None:
    first = client.http.get("/v1/webhook-secret/").json()
    rotated = client.http.post("/v1/webhook-secret/rotate/")
    assert rotated.status_code == 200, rotated.text
    body = rotated.json()
    assert body["secret"].startswith("whsec_") and body["secret"] != first["secret"]
    assert body["previousSecret"] == first["secret"] and body["previousValidUntil"]
    assert client.http.get("/v1/webhook-secret/").json()["secret"] == body["secret"]
