"""Queue triggers with host.json extensions.queues semantics (batch, backoff, hold, poison).

Messages are received invisible for `visibility_hold` seconds and the hold is renewed at
half of it while the function runs, so a long run is never delivered twice. On failure the
message becomes visible again after `visibilityTimeout`; at `maxDequeueCount` its original
text is copied to `<queue>-poison` and it is deleted. With messageEncoding base64 (the
default) a message that is not base64 goes to `<queue>-poison` at once, as in Azure.
A listener in backoff polls at once when a devhost process has just sent to its queue.
N workers share the idle rate, as blob listeners do: each backs off to N x
`maxPollingInterval` at random phases, so an idle queue is polled about once per interval
whatever the worker count (2 workers polled the app's 16 queues 16 times a second: with
Azurite's part, a twentieth of a 2-core machine). A message let go after a failure is
announced when it becomes visible again, so its retry does not wait for a poll.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import logging
import random
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

from azure.core.exceptions import ResourceExistsError, ResourceNotFoundError
from azure.functions.queue import QueueMessage as FunctionsQueueMessage
from azure.storage.queue import QueueClient, QueueMessage

from devhost.app_loader import FunctionSpec
from devhost.config import QueueOptions, worker_count
from devhost.connections import storage_for
from devhost.expressions import json_properties
from devhost.inputs import convert_text
from devhost.invoke import describe, invoke
from devhost.notify import announce_queue_later, subscribe

__all__ = ["QueueListener", "admin_queue_message"]

logger = logging.getLogger(__name__)
MIN_POLL = 0.1


def ensure_queue(client: QueueClient) -> None:
    with contextlib.suppress(ResourceExistsError):
        client.create_queue()


class NotBase64Error(ValueError):
    """A message is not base64 while messageEncoding is base64."""


def decode_body(content: str, encoding: str) -> bytes:
    if encoding == "base64":
        try:
            return base64.b64decode(content, validate=True)
        except (binascii.Error, ValueError):
            raise NotBase64Error("message is not valid base64 (messageEncoding base64)") from None
    return content.encode("utf-8")


def binding_data(message: QueueMessage, body: bytes) -> dict[str, Any]:
    """The trigger's binding data: queueTrigger, message fields, JSON body properties."""
    text = body.decode("utf-8", errors="replace")
    return {
        **json_properties(body),
        "QueueTrigger": text, "Id": message.id, "DequeueCount": message.dequeue_count,
        "PopReceipt": message.pop_receipt, "InsertionTime": _iso(message.inserted_on),
        "ExpirationTime": _iso(message.expires_on),
        "NextVisibleTime": _iso(message.next_visible_on),
    }  # fmt: skip


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def trigger_argument(spec: FunctionSpec, message: FunctionsQueueMessage) -> Any:
    """QueueMessage, or str/bytes when the parameter (or data_type) asks for it."""
    converted = convert_text(
        message.get_body(), spec.annotation(spec.trigger["name"]), spec.trigger.get("dataType")
    )
    return message if converted is None else converted


def to_functions_message(message: QueueMessage, body: bytes) -> FunctionsQueueMessage:
    return FunctionsQueueMessage(
        id=message.id,
        body=body,
        dequeue_count=message.dequeue_count,
        expiration_time=message.expires_on,
        insertion_time=message.inserted_on,
        time_next_visible=message.next_visible_on,
        pop_receipt=message.pop_receipt,
    )


def admin_queue_message(text: str) -> FunctionsQueueMessage:
    now = datetime.now(UTC)
    return FunctionsQueueMessage(
        id=str(uuid.uuid4()), body=text.encode("utf-8"), dequeue_count=1,
        expiration_time=None, insertion_time=now, time_next_visible=now, pop_receipt=None,
    )  # fmt: skip


class _Hold:
    """Keeps one message invisible while its function runs (renewing the pop receipt)."""

    def __init__(self, client: QueueClient, message: QueueMessage, hold: float) -> None:
        self.client, self.message, self.hold = client, message, hold
        self.pop_receipt: str = message.pop_receipt or ""
        self._done = threading.Event()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._renew, daemon=True, name="queue-hold")

    def __enter__(self) -> _Hold:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._done.set()
        self._thread.join()

    def _renew(self) -> None:
        while not self._done.wait(self.hold / 2):
            try:
                with self._lock:
                    receipt = self.client.update_message(
                        self.message.id, self.pop_receipt, visibility_timeout=int(self.hold)
                    )
                    self.pop_receipt = receipt.pop_receipt or self.pop_receipt
            except Exception as exc:  # the message may be gone; the run goes on
                logger.warning("could not renew message %s: %s", self.message.id, exc)


class QueueListener:
    """Polls one queue for one function until `stop` is set."""

    def __init__(self, spec: FunctionSpec, options: QueueOptions, stop: threading.Event) -> None:
        self.spec, self.options, self.stop = spec, options, stop
        self.queue_name: str = spec.trigger["queueName"]
        self.service = storage_for(spec.trigger.get("connection")).queue
        self.client = self.service.get_queue_client(self.queue_name)
        self.wake = threading.Event()
        self.pool = ThreadPoolExecutor(
            max_workers=options.batch_size + options.new_batch_threshold,
            thread_name_prefix=f"q-{self.queue_name}",
        )
        self.in_flight = 0
        self.changed = threading.Condition()
        self.longest_backoff = options.max_polling_interval * worker_count()

    def _on_event(self, event: str) -> None:
        if event == f"queue:{self.queue_name.lower()}":
            self.wake.set()

    def _sleep(self, seconds: float) -> bool:
        """Wait out a backoff; True when woken by a send to this queue."""
        deadline = time.monotonic() + seconds
        while not self.stop.is_set():
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            if self.wake.wait(min(left, 0.5)):
                return True
        return False

    def run(self) -> None:
        ensure_queue(self.client)
        subscribe(self._on_event)
        delay = MIN_POLL
        hold = max(1, int(self.options.visibility_hold))
        while not self.stop.is_set():
            with self.changed:
                # Fetch a new batch only when in-flight work drops to newBatchThreshold.
                if self.in_flight > self.options.new_batch_threshold:
                    self.changed.wait(0.5)
                    continue
            self.wake.clear()
            try:
                pager = self.client.receive_messages(
                    messages_per_page=self.options.batch_size, visibility_timeout=hold
                )
                messages: list[QueueMessage] = list(next(pager.by_page(), []))
            except Exception as exc:
                logger.warning("polling %s failed: %s", self.queue_name, exc)
                messages = []
            if not messages:
                if self._sleep(delay):
                    delay = MIN_POLL
                else:
                    delay = min(self.longest_backoff, random.uniform(delay, delay * 2))
                continue
            delay = MIN_POLL
            for message in messages:
                with self.changed:
                    self.in_flight += 1
                self.pool.submit(self._process, message)
        self.pool.shutdown(wait=True)

    def _process(self, message: QueueMessage) -> None:
        try:
            self._handle(message)
        except Exception:
            logger.exception("queue %s: message %s not settled", self.queue_name, message.id)
        finally:
            with self.changed:
                self.in_flight -= 1
                self.changed.notify_all()

    def _poison(self, message: QueueMessage, receipt: str) -> None:
        poison = self.service.get_queue_client(f"{self.queue_name}-poison")
        ensure_queue(poison)
        poison.send_message(message.content)
        self._settle(lambda: self.client.delete_message(message.id, receipt))

    def _handle(self, message: QueueMessage) -> None:
        try:
            body = decode_body(message.content, self.options.message_encoding)
        except NotBase64Error as exc:
            self._poison(message, message.pop_receipt or "")
            logger.error(
                "queue %s: message %s %s: moved to %s-poison without running %s",
                self.queue_name, message.id, exc, self.queue_name, self.spec.name,
            )  # fmt: skip
            return
        functions_message = to_functions_message(message, body)
        with _Hold(self.client, message, self.options.visibility_hold) as hold:
            try:
                invoke(
                    self.spec, trigger_argument(self.spec, functions_message), label="queue",
                    invocation_id=message.id, queue_encoding=self.options.message_encoding,
                    data=binding_data(message, body),
                )  # fmt: skip
                failed = False
            except Exception as exc:
                failed = True
                logger.error(
                    "queue %s: function %s failed on message %s (attempt %s of %s): %s",
                    self.queue_name, self.spec.name, message.id, message.dequeue_count,
                    self.options.max_dequeue_count, describe(exc), exc_info=exc,
                )  # fmt: skip
        receipt = hold.pop_receipt
        if not failed:
            self._settle(lambda: self.client.delete_message(message.id, receipt))
        elif (message.dequeue_count or 0) >= self.options.max_dequeue_count:
            self._poison(message, receipt)
            logger.warning(
                "message %s moved to %s-poison after %s attempts",
                message.id, self.queue_name, message.dequeue_count,
            )  # fmt: skip
        else:
            timeout = int(self.options.visibility_timeout)
            self._settle(
                lambda: self.client.update_message(message.id, receipt, visibility_timeout=timeout)
            )
            announce_queue_later(self.queue_name, timeout)

    def _settle(self, action: Any) -> None:
        try:
            action()
        except ResourceNotFoundError:  # the hold expired and another worker took it
            logger.warning("queue %s: message already taken elsewhere", self.queue_name)
