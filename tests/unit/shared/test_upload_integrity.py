"""What a client can do with its upload SAS after the job was created, on real Azurite.

The SAS grants `w` on one blob for 15 minutes. No SAS right allows a block upload but not a
snapshot, metadata or a page blob, so the pipeline defends itself: only block blobs are
ingested, the processor runs exactly the version ingest checked (If-Match on its ETag), a
blob written after the job left `pending` is deleted, and deletes take snapshots along.
"""

from __future__ import annotations

import base64
from urllib.parse import parse_qs

import pytest
from azure.storage.blob import BlobClient

from shared.api import executions as api_executions
from shared.context import Services
from shared.pipeline import process
from shared.pipeline.ingest import ingest_blob
from shared.pipeline.process import process_message
from tests.unit.shared.test_flow import (
    blob_client,
    call,
    messages_for,
    start_upload,
    status_of,
    upload,
)


def _queued(services: Services, key: str, data: bytes) -> tuple[dict, BlobClient]:  # type: ignore[type-arg]
    body = start_upload(services, key, "notes.bin", data)
    upload(body, data)
    client = blob_client(services, body["upload"]["url"])
    ingest_blob(services, client)
    assert status_of(services, key, body["executionId"])["status"] == "queued"
    return body, client


def _process(services: Services, execution_id: str) -> None:
    for message_id, text in messages_for(services, execution_id):
        process_message(services, text, message_id=message_id)


def test_the_upload_sas_grants_write_on_one_blob_only(services: Services, key: str) -> None:
    body = start_upload(services, key, "a.bin", b"abc")
    token = parse_qs(body["upload"]["url"].split("?", 1)[1])
    assert token["sp"] == ["w"] and token["sr"] == ["b"]


def test_a_snapshot_taken_with_the_sas_does_not_block_deleting_the_job(
    services: Services, key: str
) -> None:
    body = start_upload(services, key, "a.bin", b"abc")
    sas_client = upload(body, b"abc")
    sas_client.create_snapshot()
    status, _, _ = call(
        services, key, api_executions.delete, method="DELETE", route={"id": body["executionId"]}
    )
    assert status == 204
    name = blob_client(services, body["upload"]["url"]).blob_name
    container = services.storage.blob_service.get_container_client("data-uploads")
    assert [
        b.name for b in container.list_blobs(name_starts_with=name, include=["snapshots"])
    ] == []


def test_page_and_append_blobs_are_refused_at_ingest(services: Services, key: str) -> None:
    for make in ("page", "append"):
        body = start_upload(services, key, "a.bin", b"abc")
        sas_client = BlobClient.from_blob_url(body["upload"]["url"])
        if make == "page":
            sas_client.create_page_blob(size=1024 * 1024)
        else:
            sas_client.create_append_blob()
            sas_client.append_block(b"abc")
        client = blob_client(services, body["upload"]["url"])
        ingest_blob(services, client)
        answer = status_of(services, key, body["executionId"])
        assert answer["status"] == "failed" and answer["errorCode"] == "invalid_upload"
        assert "block blob" in answer["error"]
        assert not client.exists()


def test_an_overwrite_after_the_check_never_reaches_the_tool(services: Services, key: str) -> None:
    body, client = _queued(services, key, b"checked content")
    BlobClient.from_blob_url(body["upload"]["url"]).upload_blob(
        b"unchecked content, much longer", overwrite=True
    )
    ingest_blob(services, client)  # the overwrite's own event: the job is queued already
    assert not client.exists()  # written after the check: deleted unchecked
    _process(services, body["executionId"])
    answer = status_of(services, key, body["executionId"])
    assert answer["status"] == "failed"
    assert answer["errorCode"] in ("upload_missing", "upload_changed")


@pytest.mark.parametrize("whole_read", [True, False], ids=["whole-read", "flat-memory"])
def test_an_overwrite_racing_the_processor_fails_the_job(
    services: Services, key: str, whole_read: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Small uploads are read in one request, larger ones by ranges: both pin the ETag.
    monkeypatch.setattr(process, "WHOLE_READ_BYTES", 1 << 30 if whole_read else 0)
    body, _ = _queued(services, key, b"checked content")
    # The overwrite's event has not been handled yet when the processor downloads.
    BlobClient.from_blob_url(body["upload"]["url"]).upload_blob(b"other", overwrite=True)
    _process(services, body["executionId"])
    answer = status_of(services, key, body["executionId"])
    assert answer["status"] == "failed" and answer["errorCode"] == "upload_changed"


def test_a_duplicate_event_for_the_checked_version_keeps_the_upload(
    services: Services, key: str
) -> None:
    body, client = _queued(services, key, b"checked content")
    ingest_blob(services, client)
    assert client.exists()
    _process(services, body["executionId"])
    assert status_of(services, key, body["executionId"])["status"] == "completed"


@pytest.mark.parametrize("whole_read", [True, False], ids=["whole-read", "flat-memory"])
def test_the_tool_gets_the_checked_bytes_by_either_read(
    services: Services, key: str, whole_read: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(process, "WHOLE_READ_BYTES", 1 << 30 if whole_read else 0)
    data = bytes(range(256)) * 64
    body, _ = _queued(services, key, data)
    _process(services, body["executionId"])
    answer = status_of(services, key, body["executionId"])
    assert answer["status"] == "completed", answer
    output = services.storage.blob_service.get_container_client("data-processed")
    (stored,) = [b for b in output.list_blobs() if body["executionId"] in b.name]
    encoded = output.download_blob(stored.name).readall()
    assert base64.b64decode(encoded) == data


def test_an_upload_after_completion_is_deleted_unchecked(services: Services, key: str) -> None:
    body, client = _queued(services, key, b"checked content")
    _process(services, body["executionId"])
    assert status_of(services, key, body["executionId"])["status"] == "completed"
    BlobClient.from_blob_url(body["upload"]["url"]).upload_blob(b"later", overwrite=True)
    ingest_blob(services, client)
    assert not client.exists()
