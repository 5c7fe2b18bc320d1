"""Wake-ups between devhost processes: "a message was just sent to queue Q", "blobs may be new".

Azure's host polls a queue at once when its own output binding wrote to it instead of
waiting out the listener's backoff. devhost does the same across its processes: each
worker binds a Unix datagram socket in DEVHOST_NOTIFY_DIR; whoever sends a queue message
(an output binding, or the app's own azure-storage-queue client in a devhost process)
sends the queue's name to every socket (for a message sent hidden, once it is visible).
The parent also signals API calls that can create an upload to one worker in turn, whose
blob listeners then poll quickly for a while (uploads follow them; one worker's listing
finds the blob for all). A worker that has settled a blob version tells the others, so
they skip it without reading its receipt.
Best effort: a lost datagram only means the usual polling delay or a receipt read.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import os
import socket
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = [
    "announce", "announce_blob", "announce_one", "announce_queue", "announce_queue_later",
    "announcing", "install_send_hooks", "queue_sent", "subscribe",
]  # fmt: skip

logger = logging.getLogger(__name__)
ENV = "DEVHOST_NOTIFY_DIR"
_subscribers: list[Callable[[str], None]] = []
_lock = threading.Lock()
_server: socket.socket | None = None
_sender: socket.socket | None = None
_turn = itertools.count()
MAX_EVENT_BYTES = 1024
"""A datagram's size: a longer event is not sent (cut short, it could name another blob)."""


def _directory() -> Path | None:
    value = os.environ.get(ENV)
    return Path(value) if value else None


def announce(event: str) -> None:
    """Send `event` to every devhost process listening (this one included)."""
    directory = _directory()
    if directory is None:
        _deliver(event)
        return
    for path in directory.glob("*.sock"):
        _send(event, path)


def announce_one(event: str) -> None:
    """Send `event` to one devhost process listening, each in turn."""
    directory = _directory()
    if directory is None:
        _deliver(event)
        return
    sockets = sorted(directory.glob("*.sock"))
    first = next(_turn)
    for offset in range(len(sockets)):  # a dead worker's leftover socket: the next one
        if _send(event, sockets[(first + offset) % len(sockets)]):
            return


def _send(event: str, path: Path) -> bool:
    global _sender
    payload = event.encode()
    if len(payload) > MAX_EVENT_BYTES:
        return False
    if _sender is None:
        _sender = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        _sender.setblocking(False)
    try:
        _sender.sendto(payload, str(path))
    except OSError:
        return False
    return True


def announce_queue(name: str) -> None:
    announce(f"queue:{name.lower()}")


def announce_queue_later(name: str, seconds: float) -> None:
    """Announce queue `name` once a message made invisible for `seconds` shows again."""
    timer = threading.Timer(seconds, announce_queue, (name,))
    timer.daemon = True
    timer.start()


def announce_blob(container: str) -> None:
    announce(f"blob:{container.lower()}")


def _deliver(event: str) -> None:
    with _lock:
        callbacks = list(_subscribers)
    for callback in callbacks:
        try:
            callback(event)
        except Exception:
            logger.exception("notification handler failed")


def subscribe(callback: Callable[[str], None]) -> None:
    """Call `callback(event)` for every event announced to this process."""
    global _server
    with _lock:
        _subscribers.append(callback)
        directory = _directory()
        if _server is not None or directory is None:
            return
        path = directory / f"w{os.getpid()}.sock"
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
        _server = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        _server.bind(str(path))
    threading.Thread(target=_serve, args=(_server,), daemon=True, name="notify").start()


def _serve(server: socket.socket) -> None:
    while True:
        try:
            data = server.recv(MAX_EVENT_BYTES)
        except OSError:
            return
        _deliver(data.decode(errors="replace"))


def announcing(original: Callable[..., Any], event: Callable[..., None]) -> Callable[..., Any]:
    """`original` (a client method), then `event(client, *args, **kwargs)` once it has
    succeeded."""

    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        result = original(self, *args, **kwargs)
        with contextlib.suppress(Exception):
            event(self, *args, **kwargs)
        return result

    wrapper._devhost_hook = True  # type: ignore[attr-defined]
    wrapper.__wrapped__ = original  # type: ignore[attr-defined]
    wrapper.__doc__ = original.__doc__
    return wrapper


def install_send_hooks() -> None:
    """Announce queue sends and blob uploads made through the SDK clients in this process."""
    from azure.storage.blob import BlobClient
    from azure.storage.queue import QueueClient

    if getattr(QueueClient.send_message, "_devhost_hook", False):
        return
    QueueClient.send_message = announcing(QueueClient.send_message, queue_sent)  # type: ignore[method-assign]
    for method in ("upload_blob", "commit_block_list"):
        setattr(
            BlobClient, method,
            announcing(
                getattr(BlobClient, method), lambda c, *_, **__: announce_blob(c.container_name)
            ),
        )  # fmt: skip


def queue_sent(client: Any, *_: Any, visibility_timeout: float | None = None, **__: Any) -> None:
    """A message was sent to `client`'s queue: announced now, or when it becomes visible if
    it was sent hidden (a job given back to wait for room), so a poll then finds it."""
    if visibility_timeout:
        announce_queue_later(client.queue_name, visibility_timeout)
    else:
        announce_queue(client.queue_name)
