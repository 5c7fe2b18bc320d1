"""Queue triggers on devhost (2 workers): base64, exactly-once, renewal, poison, outputs."""

from __future__ import annotations

import base64
import contextlib
import uuid
from typing import Any

import httpx
import pytest
from azure.core.exceptions import ResourceExistsError, ResourceNotFoundError
from azure.storage.blob import ContainerClient
from azure.storage.queue import QueueClient, TextBase64EncodePolicy

from tests.integration.devhost.conftest import read_results, wait_for

pytestmark = pytest.mark.integration


def _queue(connection_string: str, name: str) -> QueueClient:
    client = QueueClient.from_connection_string(
        connection_string, name, message_encode_policy=TextBase64EncodePolicy()
    )
    with contextlib.suppress(ResourceExistsError):
        client.create_queue()
    return client


def _records_for(results: ContainerClient, prefix: str, ids: set[str]) -> list[dict[str, Any]]:
    return [r for r in read_results(results, prefix).values() if r.get("id") in ids]


def test_two_workers_process_each_base64_message_exactly_once(
    basic_host: Any, storage_connection_string: str, results: ContainerClient
) -> None:
    queue = _queue(storage_connection_string, "dh-record")
    texts = {f"héllo {i} {uuid.uuid4().hex}" for i in range(40)}
    ids = {queue.send_message(text).id for text in texts}

    seen = wait_for(
        lambda: (r := _records_for(results, "record/", ids)) and len(r) >= len(ids) and r,
        timeout=60, what="40 messages processed",
    )  # fmt: skip
    wait_for(
        lambda: queue.get_queue_properties().approximate_message_count == 0,
        timeout=10, what="queue drained",
    )  # fmt: skip
    seen = _records_for(results, "record/", ids)
    assert sorted(r["id"] for r in seen) == sorted(ids)  # no duplicates, none missing
    assert {r["body"] for r in seen} == texts  # decoded from base64, UTF-8 intact
    assert all(r["dequeue_count"] == 1 and r["pop_receipt"] for r in seen)


def test_long_run_keeps_the_message_invisible(
    basic_host: Any, storage_connection_string: str, results: ContainerClient
) -> None:
    # The hold is 2 s (DEVHOST_QUEUE_VISIBILITY_HOLD); the run takes 5 s.
    message = _queue(storage_connection_string, "dh-slow").send_message("5")
    prefix = f"slow/{message.id}"
    wait_for(lambda: read_results(results, prefix), what="slow message started")
    queue = _queue(storage_connection_string, "dh-slow")
    # peek only sees visible messages: wait until the message is really deleted.
    wait_for(
        lambda: queue.get_queue_properties().approximate_message_count == 0,
        timeout=20, what="slow message deleted",
    )  # fmt: skip
    runs = read_results(results, prefix)
    assert len(runs) == 1, runs
    assert next(iter(runs.values()))["dequeue_count"] == 1


def test_failing_message_lands_in_poison_after_five_attempts(
    basic_host: Any, storage_connection_string: str, results: ContainerClient
) -> None:
    text = f"doomed {uuid.uuid4().hex}"
    message = _queue(storage_connection_string, "dh-fail").send_message(text)
    poison = QueueClient.from_connection_string(storage_connection_string, "dh-fail-poison")

    def poisoned() -> bool:
        try:
            messages = poison.peek_messages(32)
        except ResourceNotFoundError:
            return False
        return any(base64.b64decode(m.content).decode() == text for m in messages)

    wait_for(poisoned, timeout=60, what="message in dh-fail-poison")
    attempts = read_results(results, f"fail/{message.id}-")
    assert sorted(r["dequeue_count"] for r in attempts.values()) == [1, 2, 3, 4, 5]
    source = _queue(storage_connection_string, "dh-fail")
    assert all(m.id != message.id for m in source.peek_messages(32))


def test_queue_output_binding_and_admin_invoke(basic_host: Any, results: ContainerClient) -> None:
    text = f"via-output {uuid.uuid4().hex}"
    answer = httpx.post(f"{basic_host.base_url}/api/enqueue", content=text.encode())
    assert answer.text == "queued"
    admin_text = f"via-admin {uuid.uuid4().hex}"
    url = f"{basic_host.base_url}/admin/functions/record_queue"
    assert httpx.post(url, json={"input": admin_text}).status_code == 401  # no master key
    invoked = httpx.post(url, json={"input": admin_text}, headers=basic_host.admin_headers)
    assert invoked.status_code == 202

    def bodies() -> set[str]:
        return {r["body"] for r in read_results(results, "record/").values()}

    wait_for(lambda: {text, admin_text} <= bodies(), what="output-binding and admin messages")
    missing = httpx.post(
        f"{basic_host.base_url}/admin/functions/nope", json={}, headers=basic_host.admin_headers
    )
    assert missing.status_code == 404
