"""SAS permissions on real Azurite: an upload SAS writes its blob and nothing else."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from azure.core.exceptions import HttpResponseError
from azure.storage.blob import BlobClient, ContainerClient

from shared.clock import utcnow
from shared.context import Services


@pytest.fixture
def upload_url(services: Services, tenant: str) -> str:
    return services.sas.upload_url(
        "data-uploads", f"{tenant}/mine.bin", expires_at=utcnow() + timedelta(minutes=5)
    )


def test_upload_sas_writes_single_shot_and_chunked(
    upload_url: str, services: Services, tenant: str
) -> None:
    BlobClient.from_blob_url(upload_url).upload_blob(b"first", overwrite=True)
    chunked = BlobClient.from_blob_url(upload_url, max_single_put_size=4, max_block_size=4)
    chunked.upload_blob(b"0123456789abcdef", overwrite=True)
    stored = services.storage.blob_service.get_blob_client("data-uploads", f"{tenant}/mine.bin")
    assert stored.download_blob().readall() == b"0123456789abcdef"


def test_upload_sas_cannot_read_list_or_write_another_blob(
    upload_url: str, services: Services, tenant: str
) -> None:
    services.storage.blob_service.get_blob_client(
        "data-uploads", f"{tenant}/other.bin"
    ).upload_blob(b"secret", overwrite=True)
    BlobClient.from_blob_url(upload_url).upload_blob(b"mine", overwrite=True)
    token = upload_url.split("?", 1)[1]
    base = upload_url.split("?", 1)[0].rsplit("/", 1)[0]
    with pytest.raises(HttpResponseError):
        BlobClient.from_blob_url(upload_url).download_blob().readall()
    with pytest.raises(HttpResponseError):
        BlobClient.from_blob_url(f"{base}/other.bin?{token}").upload_blob(b"x", overwrite=True)
    with pytest.raises(HttpResponseError):
        BlobClient.from_blob_url(f"{base}/other.bin?{token}").download_blob().readall()
    container_url = upload_url.split("?", 1)[0].rsplit("/", 2)[0]
    with pytest.raises(HttpResponseError):
        list(ContainerClient.from_container_url(f"{container_url}?{token}").list_blobs())


def test_download_sas_is_read_only_with_attachment_name(services: Services, tenant: str) -> None:
    blob = services.storage.blob_service.get_blob_client("data-processed", f"{tenant}/out.txt")
    blob.upload_blob(b"result", overwrite=True)
    url = services.sas.download_url("data-processed", f"{tenant}/out.txt", filename="report.txt")
    answer = httpx.get(url)
    assert answer.status_code == 200 and answer.content == b"result"
    assert answer.headers["content-disposition"] == 'attachment; filename="report.txt"'
    assert httpx.put(url, content=b"x", headers={"x-ms-blob-type": "BlockBlob"}).status_code == 403


def test_public_endpoint_rewrites_the_url_base(make_settings, provisioned) -> None:
    settings = make_settings(public_blob_endpoint="https://files.example.test/acct")
    url = Services(settings).sas.upload_url(
        "data-uploads", "t/x.bin", expires_at=utcnow() + timedelta(minutes=1)
    )
    assert url.startswith("https://files.example.test/acct/data-uploads/t/x.bin?")
