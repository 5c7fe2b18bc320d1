"""Webhook events for finished jobs, delivered through their own queue with retries.

When a job with a `webhookUrl` completes or fails, `Deliveries.announce` puts one message
on the `webhooks` queue: the event (id, type, the signed JSON body) and attempt 1. The
queue trigger calls `Deliveries.attempt`, which signs and POSTs once:

- 2xx: delivered; 410 Gone or a refused address: stopped, never retried;
- anything else: the next attempt is sent as a new message that stays invisible for the
  next delay of `delays` (the backoff lives in the queue, no worker waits); after the
  last attempt the job records `webhook: failed after N attempts`.

The job's own processing never waits for a receiver. A storage error while re-queueing is
raised, so the host redelivers the message; when the host gives up, the `-poison` handler
(`Deliveries.give_up`) records the failure on the job all the same. Receivers get each
event at least once: the `webhook-id` header stays the same across attempts.
"""

from __future__ import annotations

import json
import logging
import threading
import uuid
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from azure.storage.queue import QueueClient
from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel

from shared import metrics, tracing
from shared.context import Services
from shared.errors import BadRequestError
from shared.jobs import Job
from shared.naming import WEBHOOKS_QUEUE
from shared.pipeline.webhook_sender import Outcome, Sender, signature_header
from shared.pipeline.webhook_targets import RefusedTargetError, check_url
from shared.states import JobStatus
from shared.status import status_view
from shared.webhook_secrets import WebhookSecretStore

__all__ = [
    "DEFAULT_DELAYS",
    "JOB_COMPLETED",
    "JOB_FAILED",
    "Deliveries",
    "Delivery",
    "WebhookState",
    "announce",
    "attempt",
    "checked_url",
    "deliveries",
    "give_up",
]

log = logging.getLogger(__name__)

JOB_COMPLETED = "job.completed"
JOB_FAILED = "job.failed"
DEFAULT_DELAYS = (30, 120, 600, 2700)
"""Seconds before attempts 2..5: five attempts over about an hour (57.5 minutes)."""


class Delivery(BaseModel):
    """The body of a `webhooks` message: one event to one URL, and which attempt this is."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, frozen=True)
    event_id: str
    execution_id: str
    tenant: str
    url: str
    type: str
    payload: str
    attempt: int = 1
    traceparent: str | None = None

    def to_json(self) -> str:
        return self.model_dump_json(by_alias=True)


class WebhookState(BaseModel):
    """What the job shows about its webhook."""

    status: str  # queued | retrying | delivered | failed
    attempts: int
    message: str | None = None


def new_delivery(
    *,
    execution_id: str,
    tenant: str,
    url: str,
    event_type: str,
    data: dict[str, Any],
    now: datetime,
    traceparent: str | None = None,
) -> Delivery:
    """The event for one final state: `{type, timestamp, data}` (data: the status object)."""
    payload = json.dumps(
        {"type": event_type, "timestamp": now.isoformat(), "data": data}, separators=(",", ":")
    )
    return Delivery(
        event_id=f"msg_{uuid.uuid4().hex}",
        execution_id=execution_id,
        tenant=tenant,
        url=url,
        type=event_type,
        payload=payload,
        traceparent=traceparent,
    )


class Deliveries:
    def __init__(
        self,
        *,
        queue: QueueClient,
        secrets: WebhookSecretStore,
        sender: Sender,
        record: Callable[[Delivery, WebhookState], None],
        clock: Callable[[], datetime],
        delays: Sequence[int] = DEFAULT_DELAYS,
    ) -> None:
        self.queue = queue
        self.secrets = secrets
        self.sender = sender
        self.record = record
        self.clock = clock
        self.delays = tuple(delays)

    @property
    def max_attempts(self) -> int:
        return len(self.delays) + 1

    def announce(self, delivery: Delivery) -> None:
        self.queue.send_message(delivery.to_json())
        log.info(
            "job %s: webhook %s %s queued", delivery.execution_id, delivery.type, delivery.event_id
        )
        self._record(delivery, WebhookState(status="queued", attempts=0))

    def attempt(self, body: str) -> WebhookState:
        """One delivery attempt of the message `body`; schedules the next one if needed."""
        delivery = Delivery.model_validate_json(body)
        now = self.clock()
        secrets = self.secrets.get(delivery.tenant, now=now).signing(now)
        headers = {
            "webhook-id": delivery.event_id,
            "webhook-timestamp": str(int(now.timestamp())),
            "webhook-signature": signature_header(
                delivery.event_id, now, delivery.payload, secrets
            ),
        }
        if delivery.traceparent:
            headers["traceparent"] = delivery.traceparent
        outcome = self.sender.send(delivery.url, delivery.payload.encode(), headers)
        state = self._after(delivery, outcome)
        metrics.webhook_attempt(state.status)
        log.info(
            "job %s: webhook %s attempt %d: %s -> %s",
            delivery.execution_id, delivery.event_id, delivery.attempt, outcome.detail,
            state.status,
        )  # fmt: skip
        self._record(delivery, state)
        return state

    def _after(self, delivery: Delivery, outcome: Outcome) -> WebhookState:
        n = delivery.attempt
        if outcome.delivered:
            return WebhookState(status="delivered", attempts=n)
        if not outcome.retry:
            return WebhookState(status="failed", attempts=n, message=f"webhook: {outcome.detail}")
        if n >= self.max_attempts:
            message = f"webhook: failed after {n} attempts (last: {outcome.detail})"
            return WebhookState(status="failed", attempts=n, message=message)
        following = delivery.model_copy(update={"attempt": n + 1})
        # Raised on a storage error: the host redelivers this message (this attempt again).
        self.queue.send_message(following.to_json(), visibility_timeout=self.delays[n - 1])
        return WebhookState(
            status="retrying", attempts=n, message=f"webhook: attempt {n} failed: {outcome.detail}"
        )

    def give_up(self, body: str) -> WebhookState:
        """A delivery message the host could not handle (poison): record the failure."""
        delivery = Delivery.model_validate_json(body)
        state = WebhookState(
            status="failed",
            attempts=delivery.attempt,
            message=f"webhook: failed after {delivery.attempt} attempts (delivery errors)",
        )
        log.warning("job %s: webhook %s gave up", delivery.execution_id, delivery.event_id)
        self._record(delivery, state)
        return state

    def _record(self, delivery: Delivery, state: WebhookState) -> None:
        try:
            self.record(delivery, state)
        except Exception:  # the delivery itself happened; a lost note must not repeat it
            log.exception("job %s: could not record the webhook state", delivery.execution_id)


# -- the app's wiring: one sender per process, deliveries built from the services --------

_senders: dict[bool, Sender] = {}
_senders_lock = threading.Lock()


def _sender(allow_private: bool) -> Sender:
    with _senders_lock:
        if allow_private not in _senders:
            _senders[allow_private] = Sender(allow_private=allow_private)
        return _senders[allow_private]


def checked_url(services: Services, url: str | None) -> str | None:
    """A job's `webhookUrl` as given, when it may receive webhooks; 400 otherwise."""
    if url is None:
        return None
    try:
        return check_url(url, allow_private=services.settings.allow_private_webhooks).url
    except RefusedTargetError as exc:
        raise BadRequestError(str(exc), code="invalid_webhook_url") from None


def deliveries(services: Services) -> Deliveries:
    def record(delivery: Delivery, state: WebhookState) -> None:
        services.jobs.annotate(
            delivery.tenant,
            delivery.execution_id,
            webhook_status=state.status,
            webhook_attempts=state.attempts,
            webhook_message=state.message or "",
        )

    return Deliveries(
        queue=services.storage.queue(WEBHOOKS_QUEUE),
        secrets=services.webhook_secrets,
        sender=_sender(services.settings.allow_private_webhooks),
        record=record,
        clock=services.clock,
        delays=services.settings.webhook_delays,
    )


def announce(services: Services, job: Job) -> None:
    """Queue the event for a job that just became final (never raises: the job's own
    result stands whatever happens to its webhook)."""
    if not job.webhook_url:
        return
    now = services.clock()
    event_type = JOB_COMPLETED if job.status == JobStatus.COMPLETED else JOB_FAILED
    try:
        data = status_view(job, api_base=job.api_base or "", links=services.links, now=now)
        delivery = new_delivery(
            execution_id=job.execution_id,
            tenant=job.tenant,
            url=job.webhook_url,
            event_type=event_type,
            data=data,
            now=now,
            traceparent=tracing.current_traceparent() or job.traceparent,
        )
        deliveries(services).announce(delivery)
    except Exception:
        log.exception("job %s: could not queue its webhook", job.execution_id)
        services.jobs.annotate(
            job.tenant,
            job.execution_id,
            webhook_status="failed",
            webhook_message="webhook: the event could not be queued",
        )


def attempt(services: Services, body: str) -> WebhookState:
    """The `webhooks` queue trigger: one attempt, in the job's trace."""
    delivery = Delivery.model_validate_json(body)
    with tracing.scope(
        "webhook", traceparent=delivery.traceparent, execution_id=delivery.execution_id
    ):
        return deliveries(services).attempt(body)


def give_up(services: Services, body: str) -> WebhookState:
    """The `webhooks-poison` queue trigger."""
    delivery = Delivery.model_validate_json(body)
    with tracing.scope(
        "webhook poison", traceparent=delivery.traceparent, execution_id=delivery.execution_id
    ):
        return deliveries(services).give_up(body)
