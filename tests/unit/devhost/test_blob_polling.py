"""How often a blob listener lists its container: fast after activity, slowing to idle."""

from __future__ import annotations

import threading

import pytest

from devhost.app_loader import FunctionSpec
from devhost.blobs import FAST_POLL, FIRST_LOOK, BlobListener
from devhost.config import HostConfig


@pytest.fixture
def listener(monkeypatch: pytest.MonkeyPatch) -> BlobListener:
    monkeypatch.setenv("DEVHOST_BLOB_POLL_SECONDS", "2")
    trigger = {"type": "blobTrigger", "name": "blob", "path": "images-uploads/{name}"}
    spec = FunctionSpec("ingest", "blobTrigger", trigger, [trigger], print)
    return BlobListener(spec, HostConfig(), threading.Event())


def test_an_idle_listener_lists_at_the_idle_rate(listener: BlobListener) -> None:
    assert listener.interval == 2
    listener.settle(found_new=False)
    assert listener.interval == 2


def test_a_write_call_speeds_it_up_then_empty_listings_slow_it_back_to_idle(
    listener: BlobListener,
) -> None:
    listener._on_event("http")
    assert listener.interval == FAST_POLL and not listener.list_now
    intervals = []
    while listener.interval < 2:
        listener.settle(found_new=False)
        intervals.append(listener.interval)
    assert intervals == sorted(intervals) and 5 <= len(intervals) <= 12
    listener._on_event("http")
    listener.settle(found_new=True)  # a new blob keeps it fast
    assert listener.interval == FAST_POLL
    nudged = listener.nudged_at
    listener._on_event("http")  # a burst of calls does not put off the look already due
    assert listener.interval == FAST_POLL and listener.nudged_at == nudged
    listener.listed_at = nudged + 0.01  # that look was made: the next call gets its own
    listener._on_event("http")
    assert listener.nudged_at > nudged


def test_a_write_call_for_another_container_leaves_it_idle(listener: BlobListener) -> None:
    listener._on_event("http:video-uploads")
    assert listener.interval == 2 and listener.nudged_at == 0
    listener._on_event("http:images-uploads")
    assert listener.interval == FAST_POLL and listener.nudged_at > 0


def test_a_blob_written_here_lists_at_once_and_other_containers_are_ignored(
    listener: BlobListener,
) -> None:
    listener._on_event("blob:video-uploads")
    assert listener.interval == 2 and not listener.list_now
    listener._on_event("blob:images-uploads")
    assert listener.interval == FAST_POLL and listener.list_now and listener.wake.is_set()


def test_a_worker_woken_by_a_call_keeps_the_fast_rate_to_itself_until_idle(
    listener: BlobListener,
) -> None:
    listener.share = 2  # another worker shares the idle rate
    assert listener.next_listing(100.0, 0.0, 1.0) == 100.0 + 2 * 2
    listener._on_event("http")
    listener.nudged_at = 100.0
    assert listener.next_listing(99.0, 0.0, 1.0) == 100.0 + FIRST_LOOK  # the first look
    listener.settle(found_new=False)  # the upload had not landed yet
    assert listener.next_listing(100.0, 0.0, 1.0) == 100.0 + FAST_POLL * 1.25
    while listener.interval < 2:
        listener.settle(found_new=False)
    assert listener.next_listing(100.0, 0.0, 1.0) == 100.0 + 2 * 2


def test_once_every_upload_announced_by_name_is_listed_it_is_idle_at_once(
    listener: BlobListener,
) -> None:
    listener._on_event("http:images-uploads/t/j/a.jpg")
    listener._on_event("http:images-uploads/t/k/b.jpg")
    assert listener.interval == FAST_POLL and listener.leading
    listener.settle(found_new=False, names=set())  # not landed yet: still hurried for
    assert listener.interval == FAST_POLL * 1.25
    listener.settle(found_new=True, names={"t/j/a.jpg", "older.jpg"})
    assert listener.interval == FAST_POLL  # b.jpg is still to come
    listener.settle(found_new=True, names={"t/j/a.jpg", "t/k/b.jpg"})
    assert listener.interval == 2 and not listener.leading
    listener._on_event("http:images-uploads/t/m/c.jpg")
    listener._on_event("http:images-uploads")  # a call that named no blob: the old ramp
    listener.settle(found_new=True, names={"t/m/c.jpg"})
    assert listener.interval == FAST_POLL


def test_an_announced_upload_that_never_comes_is_forgotten_back_at_idle(
    listener: BlobListener,
) -> None:
    listener._on_event("http:images-uploads/t/j/never.jpg")
    while listener.interval < 2:
        listener.settle(found_new=False, names=set())
    assert listener.expected == set()
    listener.settle(found_new=True, names={"x.jpg"})  # an unannounced upload: fast again
    assert listener.interval == FAST_POLL
