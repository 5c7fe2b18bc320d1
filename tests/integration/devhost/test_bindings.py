"""Input and output bindings, context, expressions and Azure's strictness (apps/bindings)."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from azure.core.exceptions import ResourceNotFoundError
from azure.storage.blob import BlobServiceClient, ContainerClient, ContentSettings
from azure.storage.queue import QueueClient, TextBase64EncodePolicy

from tests.integration.devhost.conftest import APPS, host_env, read_results, wait_for

pytestmark = pytest.mark.integration
TABLE = "dhbtable"


def _past_due_status(service: BlobServiceClient, function: str) -> None:
    hosts = service.get_container_client("azure-webjobs-hosts")
    if not hosts.exists():
        hosts.create_container()
    past = datetime.now(UTC) - timedelta(hours=1)
    status = {"Last": past.isoformat(), "Next": past.isoformat(), "LastUpdated": past.isoformat()}
    hosts.upload_blob(f"timers/bindings/{function}/status", json.dumps(status), overwrite=True)


@pytest.fixture(scope="module")
def host(storage_connection_string: str, results: ContainerClient) -> Iterator[Any]:
    from devhost.testing import run_devhost

    service = BlobServiceClient.from_connection_string(storage_connection_string)
    for function in ("monitored", "unmonitored"):
        _past_due_status(service, function)
        for blob in results.list_blobs(name_starts_with=f"dhb-timer/{function}"):
            results.delete_blob(blob.name)
    env = host_env(
        storage_connection_string,
        DHB_QUEUE="dhb-queue", DHB_TABLE=TABLE, DhbStorage=storage_connection_string,
        DEVHOST_EVENTGRID_POLLING="false",
    )  # fmt: skip
    with run_devhost(APPS / "bindings", env=env, workers=1) as running:
        yield running


@pytest.fixture(scope="module")
def blobs(storage_connection_string: str) -> BlobServiceClient:
    return BlobServiceClient.from_connection_string(storage_connection_string)


def test_blob_inputs_as_str_bytes_stream_and_sdk_types(host: Any, blobs: BlobServiceClient) -> None:
    container = blobs.get_container_client("dhb-in")
    if not container.exists():
        container.create_container()
    name = f"{uuid.uuid4().hex}.txt"
    container.upload_blob(name, "héllo")
    base = host.base_url + "/api"
    assert httpx.get(f"{base}/text/{name}").text == "str:héllo"  # connection DhbStorage
    assert httpx.get(f"{base}/raw/{name}").text == "bytes:6"  # data_type BINARY
    stream = httpx.get(f"{base}/stream/{name}").json()
    assert stream == {"name": f"dhb-in/{name}", "length": 6, "content": "héllo"}
    sdk = httpx.get(f"{base}/sdk/{name}").json()
    assert sdk == {
        "client": "BlobClient", "content": "héllo", "container": "ContainerClient", "listed": True
    }  # fmt: skip
    assert httpx.get(f"{base}/text/missing-{name}").status_code == 404  # a missing blob is None


def test_table_output_then_entity_and_filtered_list_inputs(host: Any) -> None:
    base = host.base_url + "/api"
    pk = f"p{uuid.uuid4().hex}"
    for row, size in (("r1", 1), ("r2", 2), ("r3", 3), ("r4", 5)):
        answer = httpx.post(f"{base}/entities/{pk}/{row}", content=json.dumps({"Size": size}))
        assert answer.status_code == 201, host.log()[-2000:]
    # The Tables extension adds entities: writing an existing one fails the invocation.
    assert httpx.post(f"{base}/entities/{pk}/r1", content='{"Size": 9}').status_code == 500
    entity = httpx.get(f"{base}/entity/{pk}/r2").json()
    assert (entity["PartitionKey"], entity["RowKey"], entity["Size"]) == (pk, "r2", 2)
    assert httpx.get(f"{base}/entity/{pk}/nope").status_code == 404
    listed = httpx.get(f"{base}/entities/{pk}").json()
    assert len(listed) == 2  # take=2 of the three with Size gt 1
    assert all(e["Size"] > 1 and e["PartitionKey"] == pk for e in listed)


def test_context_none_and_cookies(host: Any) -> None:
    base = host.base_url + "/api"
    parent = f"00-{uuid.uuid4().hex}-{uuid.uuid4().hex[:16]}-01"
    context = httpx.get(f"{base}/context", headers={"traceparent": parent}).json()
    assert uuid.UUID(context["invocation_id"])
    assert context["function_name"] == "with_context"
    assert context["function_directory"] == str(APPS / "bindings")
    assert context["trace_parent"] == parent and context["retry_count"] == 0
    fresh = httpx.get(f"{base}/context").json()["trace_parent"]
    assert re.fullmatch(r"00-[0-9a-f]{32}-[0-9a-f]{16}-01", fresh)
    assert httpx.get(f"{base}/nothing").status_code == 500  # None is not an HTTP response
    cookies = httpx.get(f"{base}/cookies").headers.get_list("set-cookie")
    assert cookies == ["first=1; Path=/", "second=2; Path=/; HttpOnly"]


def test_http_out_param_queue_return_blob_output_and_expressions(
    host: Any, blobs: BlobServiceClient, results: ContainerClient
) -> None:
    run, key = uuid.uuid4().hex[:12], uuid.uuid4().hex
    body = json.dumps({"key": key, "n": 1})
    answer = httpx.post(f"{host.base_url}/api/send/{run}", content=body)
    assert (answer.status_code, answer.text) == (202, "sent")  # the Out[HttpResponse]
    # The QueueMessage returned went to %DHB_QUEUE%; its trigger (str) wrote results/dhb/{key}.
    seen = wait_for(lambda: read_results(results, f"dhb/{key}.json"), what="queue chain")
    assert list(seen.values()) == [{"type": "str", "text": body}]
    # The blob output created container dhb-new-{run}; {rand-guid} named the blob.
    (copy,) = list(blobs.get_container_client(f"dhb-new-{run}").list_blobs())
    assert uuid.UUID(copy.name.removesuffix(".txt"))


def test_bytearray_output_to_a_new_queue_and_strict_base64(
    host: Any, storage_connection_string: str, results: ContainerClient
) -> None:
    text = f"bytes {uuid.uuid4().hex}"
    sent = httpx.post(f"{host.base_url}/api/send-bytes?tag=b64", content=text.encode())
    assert sent.text == "sent"

    def bodies() -> set[str]:
        return {r["body"] for r in read_results(results, "dhb-bytes/").values()}

    wait_for(lambda: text in bodies(), what="bytearray message processed")

    raw = QueueClient.from_connection_string(storage_connection_string, "dhb-bytes-b64")
    bad = raw.send_message(f"not base64 ! {uuid.uuid4().hex}")  # no base64 encode policy
    poison = QueueClient.from_connection_string(storage_connection_string, "dhb-bytes-b64-poison")

    def poisoned() -> bool:
        try:
            return any(m.content == bad.content for m in poison.peek_messages(32))
        except ResourceNotFoundError:
            return False

    wait_for(poisoned, what="non-base64 message in the poison queue")
    assert not read_results(results, f"dhb-bytes/{bad.id}")  # the function never saw it
    wait_for(lambda: "not valid base64" in host.log(), what="the poison move logged")
    good = QueueClient.from_connection_string(
        storage_connection_string, "dhb-bytes-b64", message_encode_policy=TextBase64EncodePolicy()
    )
    wait_for(
        lambda: good.get_queue_properties().approximate_message_count == 0,
        what="both messages settled (deleted)",
    )


def test_use_monitor_decides_past_due(host: Any, results: ContainerClient) -> None:
    runs = wait_for(lambda: read_results(results, "dhb-timer/"), what="monitored timer")
    assert runs == {"dhb-timer/monitored": {"past_due": True, "pid": runs[next(iter(runs))]["pid"]}}


def test_event_grid_webhook_handshake_and_blob_created(
    host: Any, blobs: BlobServiceClient, results: ContainerClient
) -> None:
    url = f"{host.base_url}/runtime/webhooks/blobs?functionName=Host.Functions.grid"
    validation = [
        {
            "id": str(uuid.uuid4()), "eventType": "Microsoft.EventGrid.SubscriptionValidationEvent",
            "subject": "", "data": {"validationCode": "code-123"}, "dataVersion": "1",
        }
    ]  # fmt: skip
    handshake = httpx.post(
        url, json=validation, headers={"aeg-event-type": "SubscriptionValidation"}
    )
    assert handshake.status_code == 200
    assert handshake.json() == {"validationResponse": "code-123"}
    other = url.replace("Host.Functions.grid", "Host.Functions.with_context")
    assert httpx.post(other, json=[], headers={"aeg-event-type": "Notification"}).status_code == 404

    container = blobs.get_container_client("dhb-grid")
    if not container.exists():
        container.create_container()
    name = f"{uuid.uuid4().hex}.txt"
    container.upload_blob(
        name, b"from event grid", metadata={"origin": "test"},
        content_settings=ContentSettings(content_type="text/x-test"),
    )  # fmt: skip
    event = {
        "id": str(uuid.uuid4()), "eventType": "Microsoft.Storage.BlobCreated",
        "subject": f"/blobServices/default/containers/dhb-grid/blobs/{name}",
        "data": {"url": container.get_blob_client(name).url, "api": "PutBlob"},
        "dataVersion": "1", "eventTime": datetime.now(UTC).isoformat(),
    }  # fmt: skip
    for _ in range(2):  # delivered twice: runs once (receipts)
        sent = httpx.post(url, json=[event], headers={"aeg-event-type": "Notification"})
        assert sent.status_code == 202
    record = wait_for(lambda: read_results(results, f"dhb-grid/{name}/"), what="grid blob run")
    (seen,) = record.values()
    assert seen | {"pid": 0} == {
        "path": f"dhb-grid/{name}", "content": "from event grid", "metadata": {"origin": "test"},
        "content_type": "text/x-test", "length": 15, "pid": 0,
    }  # fmt: skip
    wait_for(lambda: "Executed function=grid" in host.log(), what="grid log line")
    assert host.log().count("Executed function=grid") == 1


def test_unsupported_binding_is_named_and_listed_disabled(host: Any) -> None:
    status = httpx.get(f"{host.base_url}/admin/host/status").json()
    assert "serviceBusTrigger" in status["disabled"]["not_emulated"]
    # What the Python worker refuses to load is listed disabled with its reason.
    assert "not bound: ['name']" in status["disabled"]["unbound"]
    assert 'return annotation "NoneType"' in status["disabled"]["annotated_none"]
    assert 'type of data binding "blob"' in status["disabled"]["mistyped"]
    assert httpx.get(f"{host.base_url}/api/annotated-none").status_code == 404
    assert "function not_emulated is disabled" in host.log()
    invoked = httpx.post(
        f"{host.base_url}/admin/functions/not_emulated", json={}, headers=host.admin_headers
    )
    assert invoked.status_code == 404
