"""Wake-ups between devhost processes: queue sends reach subscribers through the socket dir."""

from __future__ import annotations

import queue
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

    send = notify.announcing(Client.send, lambda c: events.append(c.queue_name))
    assert send(Client(), "ok") == "ok"
    with pytest.raises(ValueError):
        send(Client(), "bad")
    assert events == ["jobs"]


def test_the_sdk_clients_are_hooked() -> None:
    from azure.storage.blob import BlobClient
    from azure.storage.queue import QueueClient

    notify.install_send_hooks()
    notify.install_send_hooks()  # idempotent
    assert getattr(QueueClient.send_message, "_devhost_hook", False)
    assert getattr(BlobClient.upload_blob, "_devhost_hook", False)
    assert not getattr(QueueClient.send_message.__wrapped__, "_devhost_hook", False)
