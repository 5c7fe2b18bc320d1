"""A file through the whole pipeline on devhost: HTTP → SAS upload → ingest → process."""

from __future__ import annotations

import base64
import io
import os

import httpx
import pytest
from azure.storage.blob import BlobClient
from PIL import Image

from tests.integration.pipeline.conftest import Client

pytestmark = pytest.mark.integration


def _create(client: Client, tool: str, filename: str, size: int, **parameters: object) -> dict:
    answer = client.http.post(
        f"/v1/tools/{tool}/uploads/",
        json={"filename": filename, "size": size, "parameters": parameters},
    )
    assert answer.status_code == 201, answer.text
    return answer.json()


def _download(client: Client, execution_id: str) -> httpx.Response:
    redirect = client.http.get(f"/v1/executions/{execution_id}/download/")
    assert redirect.status_code == 302, redirect.text
    fetched = httpx.get(redirect.headers["location"])
    assert fetched.status_code == 200
    return fetched


def test_base64_single_shot_upload(client: Client) -> None:
    data = os.urandom(50_000)
    job = _create(client, "base64-codec", "random.bin", len(data))
    assert job["status"] == "pending" and job["upload"]["method"] == "PUT"
    put = httpx.put(job["upload"]["url"], content=data, headers=job["upload"]["headers"])
    assert put.status_code == 201
    final, _ = client.wait(job["executionId"])
    assert final["status"] == "completed", final
    assert final["outputFilename"] == "random.txt" and final["inputSize"] == len(data)
    fetched = _download(client, job["executionId"])
    assert base64.b64decode(fetched.content) == data
    assert fetched.headers["content-disposition"] == 'attachment; filename="random.txt"'


def test_base64_chunked_upload_decodes_back(client: Client) -> None:
    original = os.urandom(300_000)
    text = base64.b64encode(original)
    job = _create(client, "base64-codec", "blob.b64", len(text), mode="decode", extension="bin")
    uploader = BlobClient.from_blob_url(
        job["upload"]["url"], max_single_put_size=64 * 1024, max_block_size=64 * 1024
    )
    uploader.upload_blob(io.BytesIO(text), overwrite=True)  # several Put Block, then Put Block List
    final, _ = client.wait(job["executionId"])
    assert final["status"] == "completed", final
    assert final["outputFilename"] == "blob.bin"
    assert _download(client, job["executionId"]).content == original


def test_image_format_converter(client: Client) -> None:
    pytest.importorskip("processors.images.format_converter")
    source = io.BytesIO()
    Image.new("RGB", (320, 200), (200, 30, 30)).save(source, "JPEG", quality=90)
    data = source.getvalue()
    job = _create(
        client, "image-format-converter", "red.jpg", len(data), outputFormat="png", maxWidth=160
    )
    BlobClient.from_blob_url(job["upload"]["url"]).upload_blob(data)
    final, _ = client.wait(job["executionId"])
    assert final["status"] == "completed", final
    assert final["outputFilename"] == "red.png"
    image = Image.open(io.BytesIO(_download(client, job["executionId"]).content))
    assert image.format == "PNG" and image.size == (160, 100)
    r, g, b = image.convert("RGB").getpixel((80, 50))
    assert r > 180 and g < 60 and b < 60


def test_convert_multipart_and_history(client: Client) -> None:
    answer = client.http.post(
        "/v1/tools/base64-codec/convert/",
        files={"file": ("hello.txt", b"hello world")},
        data={"parameters": '{"mode": "encode"}'},
    )
    assert answer.status_code == 201, answer.text
    ident = answer.json()["executionId"]
    final, _ = client.wait(ident)
    assert final["status"] == "completed"
    assert _download(client, ident).content == base64.b64encode(b"hello world")
    history = client.http.get("/v1/executions/", params={"tool_name": "base64-codec"}).json()
    assert [r["executionId"] for r in history["results"]] == [ident] and history["count"] == 1


def test_catalog_health_ready_openapi(client: Client) -> None:
    tools = client.http.get("/v1/tools/").json()["results"]
    names = {t["name"] for t in tools}
    assert "base64-codec" in names
    codec = next(t for t in tools if t["name"] == "base64-codec")
    assert codec["sync"] is True and "mode" in codec["parameters"]["properties"]
    assert client.http.get("/health").json() == {"status": "healthy"}
    ready = client.http.get("/ready")
    assert ready.status_code == 200 and ready.json()["checks"] == {
        "blob": "ok",
        "queue": "ok",
        "table": "ok",
    }
    document = client.http.get("/v1/openapi.json").json()
    assert document["openapi"].startswith("3.") and "/v1/tools/{tool}/uploads/" in document["paths"]
