"""No-file jobs and inline runs with the product's tools."""

from __future__ import annotations

import base64
import json

import pytest

from tests.integration.pipeline.conftest import Client

pytestmark = pytest.mark.integration

KM_TO_MI = {"quantity": "length", "value": 10, "fromUnit": "km", "toUnit": "mi"}


def test_no_file_job_is_queued_and_completes(client: Client) -> None:
    answer = client.http.post("/v1/tools/unit-converter/jobs/", json={"parameters": KM_TO_MI})
    assert answer.status_code == 201, answer.text
    assert answer.json()["status"] == "queued"
    final, _ = client.wait(answer.json()["executionId"])
    assert final["status"] == "completed", final
    redirect = client.http.get(f"/v1/executions/{final['executionId']}/download/")
    assert redirect.status_code == 302
    import httpx

    assert "6.21" in httpx.get(redirect.headers["location"]).text


def test_sync_run_inline_with_and_without_a_file(client: Client) -> None:
    answer = client.http.post("/v1/tools/unit-converter/run/", json={"parameters": KM_TO_MI})
    assert answer.status_code == 200, answer.text
    assert answer.json()["status"] == "completed" and "6.21" in answer.json()["result"]
    encoded = client.http.post(
        "/v1/tools/base64-codec/run/", files={"file": ("x.bin", b"\x00\xffdata")}
    )
    assert encoded.status_code == 200, encoded.text
    assert base64.b64decode(encoded.json()["result"]) == b"\x00\xffdata"
    decoded = client.http.post(
        "/v1/tools/base64-codec/run/",
        files={"file": ("x.txt", encoded.json()["result"].encode())},
        data={"parameters": json.dumps({"mode": "decode"})},
    )
    assert (
        decoded.status_code == 200
        and base64.b64decode(decoded.json()["resultBase64"]) == b"\x00\xffdata"
    )
    history = client.http.get("/v1/executions/").json()
    assert history["count"] == 3 and {r["status"] for r in history["results"]} == {"completed"}


def test_sync_limits(client: Client) -> None:
    too_big = client.http.post(
        "/v1/tools/base64-codec/run/", files={"file": ("x.bin", b"x" * (1024 * 1024 + 1))}
    )
    assert too_big.status_code == 413
    not_sync = client.http.post(
        "/v1/tools/image-format-converter/run/", files={"file": ("x.jpg", b"x")}
    )
    assert not_sync.status_code == 400 and not_sync.json()["code"] == "not_sync"
