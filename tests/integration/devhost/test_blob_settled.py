"""Workers tell each other which blob versions they settled, so none re-reads a receipt."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator

import pytest
from azure.storage.blob import BlobServiceClient

from devhost import blobs, notify, storage
from devhost.app_loader import FunctionSpec
from devhost.blobs import BlobListener, BlobRunner
from devhost.config import HostConfig
from devhost.leases import ensure_hosts_container

pytestmark = pytest.mark.integration


@pytest.fixture
def devhost_storage(
    storage_connection_string: str, monkeypatch: pytest.MonkeyPatch
) -> Iterator[BlobServiceClient]:
    monkeypatch.setenv("AzureWebJobsStorage", storage_connection_string)
    monkeypatch.delenv(notify.ENV, raising=False)  # announcements reach this process only
    monkeypatch.setattr(notify, "_subscribers", [])
    storage.blob_service.cache_clear()
    ensure_hosts_container()
    yield BlobServiceClient.from_connection_string(storage_connection_string)
    storage.blob_service.cache_clear()


def _spec(name: str, container: str, runs: list[str]) -> FunctionSpec:
    trigger = {"type": "blobTrigger", "name": "blob", "path": f"{container}/{{name}}"}
    return FunctionSpec(name, "blobTrigger", trigger, [trigger], lambda blob: runs.append(blob))


def _uploaded(service: BlobServiceClient) -> tuple[str, str, str]:
    """(container, blob, etag) of a blob uploaded to a fresh container."""
    container = f"notices-{uuid.uuid4().hex[:8]}"
    service.create_container(container)
    name = "in/a:b c.txt"  # ':' in a name survives the notices
    etag = str(service.get_blob_client(container, name).upload_blob(b"x")["etag"])
    return container, name, etag.strip('"')


def _listening(container: str, runs: list[str], *functions: str) -> list[BlobListener]:
    """A listener per function name (as if each in its own worker), hearing the notices."""
    listeners = [
        BlobListener(_spec(function, container, runs), HostConfig(), threading.Event())
        for function in functions
    ]
    for listener in listeners:
        notify.subscribe(listener._on_event)
    return listeners


def test_a_version_settled_by_one_worker_is_skipped_by_the_others_without_storage(
    devhost_storage: BlobServiceClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    container, name, etag = _uploaded(devhost_storage)
    runs: list[str] = []
    here, other, unrelated = _listening(container, runs, "ingest", "ingest", "audit")

    here.runner.try_blob(name, etag)
    assert len(runs) == 1

    def no_storage(receipt: str) -> None:
        raise AssertionError(f"read the receipt {receipt} of a settled version")

    monkeypatch.setattr(blobs, "try_lease", no_storage)
    other.runner.try_blob(name, etag)  # the notice said it is done: nothing to ask storage
    assert len(runs) == 1
    assert (name, etag) not in unrelated.runner.done  # another function's receipt is its own


def test_a_notice_for_another_container_or_a_malformed_one_is_ignored() -> None:
    runner = BlobRunner(_spec("ingest", "uploads", []), HostConfig())
    runner.on_settled(blobs.settled_event("ingest", "other", "0x1", "a.txt"))
    runner.on_settled("blob-settled:ingest:uploads")
    assert runner.done == set()
    runner.on_settled(blobs.settled_event("ingest", "uploads", "0x1", "a.txt"))
    assert runner.done == {("a.txt", "0x1")}


def test_a_version_another_worker_has_leased_is_left_to_it_while_its_lease_lasts(
    devhost_storage: BlobServiceClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    container, name, etag = _uploaded(devhost_storage)
    runs: list[str] = []
    here, other = _listening(container, runs, "ingest", "ingest")
    attempts: list[str] = []
    real_lease = blobs.try_lease

    def counted(receipt: str) -> object:
        attempts.append(receipt)
        return real_lease(receipt)

    monkeypatch.setattr(blobs, "try_lease", counted)
    monkeypatch.setattr(here.runner, "_run", lambda blob: other.runner.try_blob(name, etag) or True)

    here.runner.try_blob(name, etag)  # while it runs, the other worker lists the blob too
    assert attempts == [attempts[0]]  # the claim kept the other away from the receipt
    assert (name, etag) in here.runner.done and (name, etag) in other.runner.done


def test_a_claim_ends_with_the_lease_and_is_not_its_own_runners(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    runner = BlobRunner(_spec("ingest", "uploads", []), HostConfig())
    clock = [100.0]
    monkeypatch.setattr(blobs.time, "monotonic", lambda: clock[0])
    runner.on_claimed(blobs.claimed_event(runner.identity, "ingest", "uploads", "0x1", "a.txt"))
    runner.on_claimed(blobs.claimed_event("w2", "ingest", "other", "0x1", "a.txt"))
    runner.on_claimed(blobs.claimed_event("w2", "audit", "uploads", "0x1", "a.txt"))
    runner.on_claimed("blob-claimed:w2:ingest:uploads")
    assert runner.claimed == {}
    runner.on_claimed(blobs.claimed_event("w2", "ingest", "uploads", "0x1", "in/a:b.txt"))
    assert runner._claimed_elsewhere("in/a:b.txt", "0x1")
    clock[0] += blobs.LEASE_SECONDS
    assert not runner._claimed_elsewhere("in/a:b.txt", "0x1")
