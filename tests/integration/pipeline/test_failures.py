"""Bad uploads fail clearly, and duplicate events or messages never run a job twice."""

from __future__ import annotations

import json

import pytest
from azure.storage.blob import BlobClient

from shared.context import Services
from tests.integration.pipeline.conftest import Client

pytestmark = pytest.mark.integration


def test_wrong_magic_bytes_fail_and_the_blob_is_deleted(client: Client, services: Services) -> None:
    job = client.http.post(
        "/v1/tools/image-format-converter/uploads/", json={"filename": "cat.png", "size": 20}
    ).json()
    uploader = BlobClient.from_blob_url(job["upload"]["url"])
    uploader.upload_blob(b"this is not a png at all")
    final, _ = client.wait(job["executionId"])
    assert final["status"] == "failed" and final["errorCode"] == "unsupported_type"
    assert "cat.png" in final["error"] and "does not match" in final["error"]
    blob = services.storage.blob_service.get_blob_client("image-uploads", uploader.blob_name)
    assert not blob.exists()


def test_declared_oversize_is_refused_before_the_sas(client: Client) -> None:
    answer = client.http.post(
        "/v1/tools/base64-codec/uploads/", json={"filename": "big.bin", "size": 10**11}
    )
    assert answer.status_code == 413 and answer.json()["code"] == "too_large"
    answer = client.http.post(
        "/v1/tools/image-format-converter/uploads/", json={"filename": "a.exe", "size": 10}
    )
    assert answer.status_code == 415


def test_duplicate_blob_event_and_duplicate_message_run_once(
    client: Client, services: Services
) -> None:
    job = client.http.post(
        "/v1/tools/base64-codec/uploads/", json={"filename": "d.bin", "size": 4}
    ).json()
    ident = job["executionId"]
    uploader = BlobClient.from_blob_url(job["upload"]["url"])
    uploader.upload_blob(b"once")
    final, _ = client.wait(ident)
    assert final["status"] == "completed"
    first_output = services.storage.blob_service.get_blob_client(
        "data-processed", f"{client.tenant}/{ident}.txt"
    )
    etag = first_output.get_blob_properties().etag

    # the same upload again (a new blob version: a second event) and a duplicate message
    uploader.upload_blob(b"twice", overwrite=True)
    message = json.dumps({"executionId": ident, "tenant": client.tenant, "tool": "base64-codec"})
    services.storage.queue("data-jobs").send_message(message)
    # a later job on the same queue proves the duplicates have been consumed before we look
    marker = client.http.post(
        "/v1/tools/base64-codec/uploads/", json={"filename": "m.bin", "size": 1}
    ).json()
    BlobClient.from_blob_url(marker["upload"]["url"]).upload_blob(b"m")
    client.wait(marker["executionId"])

    again = client.http.get(f"/v1/executions/{ident}/status/").json()
    assert again["status"] == "completed" and again["outputSize"] == final["outputSize"]
    assert first_output.get_blob_properties().etag == etag  # no second run wrote the output
    stored = services.jobs.get(client.tenant, ident)
    assert stored is not None and stored.attempts == 1
