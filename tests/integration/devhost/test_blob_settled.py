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


def test_a_version_settled_by_one_worker_is_skipped_by_the_others_without_storage(
    devhost_storage: BlobServiceClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    container = f"settled-{uuid.uuid4().hex[:8]}"
    devhost_storage.create_container(container)
    name = "in/a:b c.txt"  # ':' in a name survives the notice
    etag = str(devhost_storage.get_blob_client(container, name).upload_blob(b"x")["etag"])
    etag = etag.strip('"')
    runs: list[str] = []
    stop = threading.Event()
    here = BlobListener(_spec("ingest", container, runs), HostConfig(), stop)
    other = BlobListener(_spec("ingest", container, runs), HostConfig(), stop)
    unrelated = BlobListener(_spec("audit", container, runs), HostConfig(), stop)
    for listener in (here, other, unrelated):
        notify.subscribe(listener._on_event)

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
