"""The seed contract and operations on the handlers (Azurite, an injected clock): webhook
URLs checked, download links signed, 410 past retention without the sweep, the admin
view, and the headers every answer carries."""

from __future__ import annotations

import base64
import json
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest

from shared.api import admin, executions, tools
from shared.api.http import ApiRequest, handle
from shared.context import Services
from shared.naming import WEBHOOKS_QUEUE, processed_container
from shared.pipeline.ingest import ingest_blob
from shared.pipeline.process import process_message
from tests.unit.shared.conftest import Clock
from tests.unit.shared.test_flow import (
    API,
    blob_client,
    call,
    messages_for,
    start_upload,
    status_of,
    upload,
)

pytestmark = pytest.mark.integration


def completed(services: Services, key: str) -> dict[str, Any]:
    started = start_upload(services, key, "notes.txt", b"contract")
    upload(started, b"contract")
    ingest_blob(services, blob_client(services, started["upload"]["url"]))
    ((message_id, text),) = messages_for(services, started["executionId"])
    process_message(services, text, message_id=message_id)
    final = status_of(services, key, started["executionId"])
    assert final["status"] == "completed", final
    return final


def download(services: Services, final: dict[str, Any], *, key: str = "") -> tuple[int, Any]:
    parts = urlsplit(final["downloadUrl"])
    request = ApiRequest(
        method="GET",
        url=final["downloadUrl"],
        headers={"X-API-Key": key} if key else {},
        route={"id": final["executionId"]},
        params=dict(parse_qsl(parts.query)),
    )
    answer = handle(services, request, executions.download, authenticated=False)
    return answer.status, json.loads(answer.body) if answer.body else answer.headers


@pytest.mark.parametrize(
    "url", ["https://10.0.0.5/hook", "https://127.0.0.1/hook", "http://hooks.example.com/x",
            "https://localhost/hook", "https://169.254.169.254/latest"],
)  # fmt: skip
def test_a_private_or_plain_http_webhook_url_is_refused_when_the_setting_is_off(
    services: Services, key: str, url: str
) -> None:
    assert services.settings.allow_private_webhooks is False
    status, body, _ = call(
        services, key, tools.create_upload, route={"tool": "base64-codec"},
        body={"filename": "a.txt", "size": 3, "webhookUrl": url},
    )  # fmt: skip
    assert status == 400 and body["code"] == "invalid_webhook_url", body


def test_the_signed_link_works_without_a_key_until_it_expires(
    services: Services, key: str, clock: Clock
) -> None:
    final = completed(services, key)
    status, headers = download(services, final)
    assert status == 302 and "sig=" in headers["Location"]
    clock.advance(minutes=services.settings.download_link_minutes + 5)  # rounded up to 5 min
    status, body = download(services, final)
    assert status == 403 and body["code"] == "invalid_link"


def test_a_link_signed_for_another_tenant_is_refused(
    services: Services, key: str, tenant: str
) -> None:
    final = completed(services, key)
    forged = services.links.query(final["executionId"], tenant + "x", now=services.clock())
    final["downloadUrl"] = final["downloadUrl"].split("?")[0] + "?" + forged
    status, body = download(services, final)
    assert status == 404, body  # a valid signature, but no such job for that tenant


def test_download_is_gone_past_expires_at_before_any_sweep(
    services: Services, key: str, clock: Clock
) -> None:
    final = completed(services, key)
    assert download(services, final, key=key)[0] == 302
    clock.advance(minutes=services.settings.retention("data").total_seconds() / 60 + 1)
    bare = dict(final, downloadUrl=final["downloadUrl"].split("?")[0])
    status, body = download(services, bare, key=key)
    assert status == 410 and body["code"] == "gone"
    assert status_of(services, key, final["executionId"])["status"] == "completed"  # unswept


def test_download_is_gone_when_the_output_blob_is_gone(services: Services, key: str) -> None:
    final = completed(services, key)
    job = services.jobs.get(services.keys.tenant_for(key) or "", final["executionId"])
    assert job is not None and job.output_blob
    services.storage.blob_service.get_blob_client(
        processed_container("data"), job.output_blob
    ).delete_blob()
    status, body = download(services, final)
    assert status == 410 and body["code"] == "gone"


def test_history_items_carry_id(services: Services, key: str) -> None:
    final = completed(services, key)
    status, body, _ = call(services, key, executions.history, method="GET")
    assert status == 200
    (item,) = body["results"]
    assert item["id"] == item["executionId"] == final["executionId"]


def test_a_finished_job_with_a_webhook_queues_one_event(services: Services, key: str) -> None:
    services.storage.queue(WEBHOOKS_QUEUE).clear_messages()
    final = completed(services, key)  # no webhookUrl: no webhook
    assert final["webhook"] is None
    status, body, _ = call(
        services, key, tools.create_job, route={"tool": "unit-converter"},
        body={"parameters": {"quantity": "length", "value": 1, "fromUnit": "m", "toUnit": "cm"},
              "webhookUrl": "https://hooks.example.com/in"},
    )  # fmt: skip
    assert status == 201, body
    ((message_id, text),) = [
        (m, t) for m, t in messages_for_queue(services, "data-jobs") if body["executionId"] in t
    ]
    process_message(services, text, message_id=message_id)
    events = [json.loads(t) for _, t in messages_for_queue(services, WEBHOOKS_QUEUE)]
    (event,) = [e for e in events if e["executionId"] == body["executionId"]]
    assert event["type"] == "job.completed" and event["attempt"] == 1
    assert json.loads(event["payload"])["data"]["status"] == "completed"
    shown = status_of(services, key, body["executionId"])["webhook"]
    assert shown == {"url": "https://hooks.example.com/in", "status": "queued", "attempts": 0,
                     "message": None}  # fmt: skip


def messages_for_queue(services: Services, queue: str) -> list[tuple[str, str]]:
    return [
        (m.id, base64.b64decode(m.content).decode())
        for m in services.storage.queue(queue).receive_messages(
            max_messages=32, visibility_timeout=1
        )
    ]


def test_the_admin_view_needs_the_admin_scope(services: Services, key: str, tenant: str) -> None:
    completed(services, key)
    request = ApiRequest(method="GET", url=f"{API}/v1/admin/stats/", headers={"X-API-Key": key})
    refused = handle(services, request, admin.stats, scope="admin")
    assert refused.status == 403
    admin_key, _ = services.keys.create(tenant + "ops", scopes=("admin",))
    request = ApiRequest(
        method="GET", url=f"{API}/v1/admin/stats/", headers={"X-API-Key": admin_key}
    )
    answer = handle(services, request, admin.stats, scope="admin")
    assert answer.status == 200
    stats = json.loads(answer.body)
    assert stats["jobs"]["completed"] >= 1
    codec = next(t for t in stats["byTool"] if t["tool"] == "base64-codec")
    assert codec["processingTime"]["count"] >= 1 and codec["inputSize"]["max"] >= 8


def test_every_answer_has_a_request_id_and_security_headers(services: Services) -> None:
    request = ApiRequest(method="GET", url=f"{API}/v1/tools/", headers={"X-Request-Id": "abc-1"})
    answer = handle(services, request, tools.catalog, authenticated=False)
    assert answer.headers["x-request-id"] == "abc-1"
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert answer.headers["Cache-Control"] == "public, max-age=300"  # the catalog's own choice
    refused = handle(services, ApiRequest(method="GET", url=f"{API}/v1/executions/"), tools.catalog)
    assert refused.status == 401 and len(refused.headers["x-request-id"]) == 32
    assert refused.headers["Cache-Control"] == "no-store"
    assert refused.headers["X-Content-Type-Options"] == "nosniff"


def test_convert_streams_a_spooled_form_part_into_the_uploads_container(
    services: Services, key: str
) -> None:
    import tempfile

    from shared.api.http import UploadedFile

    data = bytes(range(256)) * 8192  # 2 MB: spooled to disk by the form parser
    with tempfile.SpooledTemporaryFile(max_size=500 * 1024) as spooled:
        spooled.write(data)
        request = ApiRequest(
            method="POST",
            url=f"{API}/v1/tools/base64-codec/convert/",
            headers={"X-API-Key": key, "Content-Type": "multipart/form-data; boundary=x"},
            route={"tool": "base64-codec"},
            form={"mode": "encode"},
            file=UploadedFile("big.bin", spooled),
        )
        answer = handle(services, request, tools.convert)
    assert answer.status == 201, answer.body
    body = json.loads(answer.body)
    job = services.jobs.get(services.keys.tenant_for(key) or "", body["executionId"])
    assert job is not None and job.parameters["mode"] == "encode"
    stored = services.storage.blob_service.get_blob_client("data-uploads", job.inputs[0].blob)
    assert stored.download_blob().readall() == data
