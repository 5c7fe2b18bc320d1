"""Wake-ups between devhost processes: queue sends reach subscribers through the socket dir."""

from __future__ import annotations

import contextlib
import queue
import socket
from pathlib import Path

import pytest

from devhost import notify


def test_an_announced_queue_send_reaches_a_subscriber(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(notify.ENV, str(tmp_path))
    monkeypatch.setattr(notify, "_subscribers", [])
    monkeypatch.setattr(notify, "_server", None)
    seen: queue.Queue[str] = queue.Queue()
    notify.subscribe(seen.put)
    assert list(tmp_path.glob("*.sock"))  # this process listens
    (tmp_path / "w999999.sock").touch()  # a dead worker's leftover: skipped quietly
    notify.announce_queue("Jobs-In")
    notify.announce_blob("Uploads")
    assert seen.get(timeout=5) == "queue:jobs-in"
    assert seen.get(timeout=5) == "blob:uploads"


def test_sends_are_announced_only_when_they_succeed() -> None:
    events: list[str] = []

    class Client:
        queue_name = "jobs"

        def send(self, text: str) -> str:
            if text == "bad":
                raise ValueError(text)
            return text

    send = notify.announcing(Client.send, lambda c, *_: events.append(c.queue_name))
    assert send(Client(), "ok") == "ok"
    with pytest.raises(ValueError):
        send(Client(), "bad")
    assert events == ["jobs"]


def test_a_message_sent_hidden_is_announced_when_it_becomes_visible(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    announced: queue.Queue[str] = queue.Queue()
    monkeypatch.setattr(notify, "announce_queue", announced.put)

    class Client:
        queue_name = "jobs"

    notify.queue_sent(Client(), "now")
    assert announced.get_nowait() == "jobs"
    notify.queue_sent(Client(), "later", visibility_timeout=1)
    assert announced.empty()  # hidden for a second: a poll now would find nothing
    assert announced.get(timeout=10) == "jobs"


def test_the_sdk_clients_are_hooked() -> None:
    from azure.storage.blob import BlobClient
    from azure.storage.queue import QueueClient

    notify.install_send_hooks()
    notify.install_send_hooks()  # idempotent
    assert getattr(QueueClient.send_message, "_devhost_hook", False)
    assert getattr(BlobClient.upload_blob, "_devhost_hook", False)
    assert not getattr(QueueClient.send_message.__wrapped__, "_devhost_hook", False)


def _listeners(directory: Path, count: int) -> list[socket.socket]:
    sockets = []
    for index in range(count):
        server = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        server.bind(str(directory / f"w{index}.sock"))
        server.setblocking(False)
        sockets.append(server)
    return sockets


def _received(server: socket.socket) -> list[bytes]:
    got = []
    with contextlib.suppress(BlockingIOError):
        while True:
            got.append(server.recv(notify.MAX_EVENT_BYTES))
    return got


def test_announce_one_reaches_one_worker_in_turn_past_a_dead_socket(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(notify.ENV, str(tmp_path))
    first, second = _listeners(tmp_path, 2)
    (tmp_path / "w9.sock").touch()  # a dead worker's leftover (sorted last)
    for _ in range(6):
        notify.announce_one("http")
    counts = [len(_received(first)), len(_received(second))]
    assert sum(counts) == 6 and min(counts) >= 2  # each event to one worker, both get turns


def test_an_event_too_long_for_one_datagram_is_not_sent_cut_short(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(notify.ENV, str(tmp_path))
    (server,) = _listeners(tmp_path, 1)
    notify.announce("blob-settled:ingest:uploads:0x1:" + "n" * notify.MAX_EVENT_BYTES)
    notify.announce("blob:uploads")
    assert _received(server) == [b"blob:uploads"]
