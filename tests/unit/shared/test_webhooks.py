"""Webhook deliveries on Azurite: signed per Standard Webhooks, retried through the queue
with a visibility delay, stopped by 410 or a refused address, recorded on the way."""

from __future__ import annotations

import base64
import contextlib
import socket
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from azure.core.exceptions import ResourceExistsError
from azure.storage.queue import QueueClient
from standardwebhooks import Webhook, WebhookVerificationError

from shared.context import Services
from shared.pipeline.webhook_sender import Sender
from shared.pipeline.webhooks import JOB_COMPLETED, Deliveries, Delivery, WebhookState, new_delivery
from shared.webhook_secrets import WebhookSecretStore
from tests.webhook_receiver import receiver

pytestmark = pytest.mark.integration


@pytest.fixture
def queue(services: Services) -> Iterator[QueueClient]:
    client = services.storage.queue(f"wh{uuid.uuid4().hex[:16]}")
    client.create_queue()
    yield client
    client.delete_queue()


@pytest.fixture
def secrets(services: Services) -> WebhookSecretStore:
    with contextlib.suppress(ResourceExistsError):
        services.storage.table_service.create_table("webhooksecrets")
    return WebhookSecretStore(services.storage.table_service.get_table_client("webhooksecrets"))


class Recorder:
    def __init__(self) -> None:
        self.states: list[WebhookState] = []

    def __call__(self, delivery: Delivery, state: WebhookState) -> None:
        self.states.append(state)


def make(
    queue: QueueClient,
    secrets: WebhookSecretStore,
    *,
    delays: tuple[int, ...] = (0, 0),
    allow_private: bool = True,
    resolver: Any = socket.getaddrinfo,
) -> tuple[Deliveries, Recorder]:
    recorder = Recorder()
    deliveries = Deliveries(
        queue=queue,
        secrets=secrets,
        sender=Sender(allow_private=allow_private, timeout=5, resolver=resolver),
        record=recorder,
        clock=lambda: datetime.now(UTC),
        delays=delays,
    )
    return deliveries, recorder


def event(tenant: str, url: str) -> Delivery:
    data = {"executionId": str(uuid.uuid4()), "status": "completed"}
    return new_delivery(
        execution_id=data["executionId"], tenant=tenant, url=url, event_type=JOB_COMPLETED,
        data=data, now=datetime.now(UTC), traceparent="00-" + "a" * 32 + "-" + "b" * 16 + "-01",
    )  # fmt: skip


def run_next(deliveries: Deliveries, queue: QueueClient) -> WebhookState | None:
    """What the queue trigger does with the next visible message."""
    for message in queue.receive_messages(max_messages=1):
        state = deliveries.attempt(base64.b64decode(message.content).decode())
        queue.delete_message(message)
        return state
    return None


def test_a_receiver_gets_a_correctly_signed_event(
    queue: QueueClient, secrets: WebhookSecretStore, tenant: str
) -> None:
    deliveries, recorder = make(queue, secrets)
    with receiver(204) as hook:
        sent = event(tenant, hook.url)
        deliveries.announce(sent)
        assert run_next(deliveries, queue) == WebhookState(status="delivered", attempts=1)
        (request,) = hook.wait_for(1)
    secret = secrets.get(tenant, now=datetime.now(UTC)).secret
    assert secret.startswith("whsec_")
    payload = Webhook(secret).verify(request.body, request.headers)
    assert payload["type"] == "job.completed"
    assert payload["data"]["status"] == "completed"
    assert request.headers["webhook-id"] == sent.event_id
    assert request.headers["traceparent"] == sent.traceparent
    assert request.headers["content-type"] == "application/json"
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(request.body.replace(b"completed", b"failed"), request.headers)
    assert [s.status for s in recorder.states] == ["queued", "delivered"]
    assert queue.get_queue_properties().approximate_message_count == 0


def test_a_failing_receiver_gets_every_attempt_then_the_job_records_the_failure(
    queue: QueueClient, secrets: WebhookSecretStore, tenant: str
) -> None:
    deliveries, recorder = make(queue, secrets, delays=(0, 0))
    with receiver(500) as hook:
        deliveries.announce(event(tenant, hook.url))
        states = [run_next(deliveries, queue) for _ in range(3)]
        requests = hook.wait_for(3)
    assert [s.status for s in states if s] == ["retrying", "retrying", "failed"]
    assert states[-1] is not None
    assert states[-1].message == "webhook: failed after 3 attempts (last: HTTP 500)"
    assert len({r.headers["webhook-id"] for r in requests}) == 1  # the same event each time
    assert run_next(deliveries, queue) is None  # nothing more is scheduled
    assert recorder.states[-1].attempts == 3


def test_the_next_attempt_waits_invisible_in_the_queue(
    queue: QueueClient, secrets: WebhookSecretStore, tenant: str
) -> None:
    deliveries, _ = make(queue, secrets, delays=(3600,))
    with receiver(503) as hook:
        deliveries.announce(event(tenant, hook.url))
        state = run_next(deliveries, queue)
    assert state is not None and state.status == "retrying"
    assert queue.get_queue_properties().approximate_message_count == 1
    assert run_next(deliveries, queue) is None  # not visible for an hour
    assert queue.peek_messages() == []  # peek shows only visible messages


def test_410_gone_stops_retries(
    queue: QueueClient, secrets: WebhookSecretStore, tenant: str
) -> None:
    deliveries, _ = make(queue, secrets)
    with receiver(410) as hook:
        deliveries.announce(event(tenant, hook.url))
        state = run_next(deliveries, queue)
    assert state is not None and state.status == "failed" and "410" in (state.message or "")
    assert queue.get_queue_properties().approximate_message_count == 0


def test_a_private_address_is_refused_without_a_request_when_private_is_off(
    queue: QueueClient, secrets: WebhookSecretStore, tenant: str
) -> None:
    def to_loopback(host: str, port: int, **_: Any) -> list[tuple[Any, ...]]:
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))]

    deliveries, _ = make(queue, secrets, allow_private=False, resolver=to_loopback)
    with receiver(204) as hook:
        port = hook.server.server_address[1]
        deliveries.announce(event(tenant, f"https://hooks.example.com:{port}/x"))
        state = run_next(deliveries, queue)
        assert hook.received == []
    assert state is not None and state.status == "failed"
    assert (
        state.message
        == "webhook: refused: the webhook host hooks.example.com resolves to a loopback address"
    )


def test_requests_go_to_the_checked_address_with_the_original_host(
    queue: QueueClient, secrets: WebhookSecretStore, tenant: str
) -> None:
    def to_loopback(host: str, port: int, **_: Any) -> list[tuple[Any, ...]]:
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))]

    deliveries, _ = make(queue, secrets, resolver=to_loopback)
    with receiver(200) as hook:
        port = hook.server.server_address[1]
        deliveries.announce(event(tenant, f"http://hooks.example.com:{port}/in"))
        assert run_next(deliveries, queue) == WebhookState(status="delivered", attempts=1)
        (request,) = hook.wait_for(1)
    assert request.headers["host"] == f"hooks.example.com:{port}"
    assert request.path == "/in"


def test_redirects_are_not_followed(
    queue: QueueClient, secrets: WebhookSecretStore, tenant: str
) -> None:
    deliveries, _ = make(queue, secrets, delays=(3600,))
    with receiver(302) as hook:
        deliveries.announce(event(tenant, hook.url))
        state = run_next(deliveries, queue)
        assert len(hook.received) == 1
    assert state is not None and state.status == "retrying"
    assert "redirects are not followed" in (state.message or "")


def test_after_a_rotation_both_secrets_sign_for_a_day(
    queue: QueueClient, secrets: WebhookSecretStore, tenant: str
) -> None:
    now = datetime.now(UTC)
    old = secrets.get(tenant, now=now).secret
    rotated = secrets.rotate(tenant, now=now)
    assert rotated.secret != old and rotated.previous == old
    deliveries, _ = make(queue, secrets)
    with receiver(204) as hook:
        deliveries.announce(event(tenant, hook.url))
        run_next(deliveries, queue)
        (request,) = hook.wait_for(1)
    assert len(request.headers["webhook-signature"].split(" ")) == 2
    for secret in (old, rotated.secret):
        Webhook(secret).verify(request.body, request.headers)
    assert rotated.signing(now) == [rotated.secret, old]
    assert rotated.previous_until is not None
    assert rotated.signing(rotated.previous_until) == [rotated.secret]  # 24 h later


def test_the_poison_handler_records_the_failure(
    queue: QueueClient, secrets: WebhookSecretStore, tenant: str
) -> None:
    deliveries, recorder = make(queue, secrets)
    sent = event(tenant, "http://127.0.0.1:9/x").model_copy(update={"attempt": 2})
    state = deliveries.give_up(sent.to_json())
    assert state.status == "failed" and state.message is not None
    assert state.message.startswith("webhook: failed after 2 attempts")
    assert recorder.states == [state]
