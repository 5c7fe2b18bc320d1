"""Keys, tenants, history, delete and bulk delete over HTTP."""

from __future__ import annotations

import httpx
import pytest
from azure.storage.blob import BlobClient

from shared.context import Services
from tests.integration.pipeline.conftest import Client

pytestmark = pytest.mark.integration


def _completed_job(client: Client, content: bytes = b"abc") -> str:
    answer = client.http.post(
        "/v1/tools/base64-codec/uploads/", json={"filename": "a.bin", "size": len(content)}
    )
    assert answer.status_code == 201, answer.text
    job = answer.json()
    BlobClient.from_blob_url(job["upload"]["url"]).upload_blob(content)
    final, _ = client.wait(job["executionId"])
    assert final["status"] == "completed", final
    return str(job["executionId"])


def test_keys_are_required_and_bearer_works(client: Client) -> None:
    body = {"filename": "a.bin", "size": 3}
    base = str(client.http.base_url)
    anonymous = httpx.post(f"{base}/v1/tools/base64-codec/uploads/", json=body)
    assert anonymous.status_code == 401 and anonymous.json()["code"] == "unauthorized"
    wrong = httpx.post(
        f"{base}/v1/tools/base64-codec/uploads/", json=body, headers={"X-API-Key": client.key + "x"}
    )
    assert wrong.status_code == 401
    bearer = httpx.post(
        f"{base}/v1/tools/base64-codec/uploads/",
        json=body,
        headers={"Authorization": f"Bearer {client.key}"},
    )
    assert bearer.status_code == 201


def test_another_tenant_gets_404_for_status_download_delete(
    client: Client, devhost, services: Services
) -> None:
    ident = _completed_job(client)
    key, _ = services.keys.create(client.tenant + "b")
    other = httpx.Client(base_url=str(client.http.base_url), headers={"X-API-Key": key})
    assert other.get(f"/v1/executions/{ident}/status/").status_code == 404
    assert other.get(f"/v1/executions/{ident}/download/").status_code == 404
    assert other.delete(f"/v1/executions/{ident}/").status_code == 404
    assert other.get("/v1/executions/").json()["count"] == 0
    assert client.http.get(f"/v1/executions/{ident}/status/").json()["status"] == "completed"


def test_history_delete_and_bulk_delete(client: Client, services: Services) -> None:
    ids = [_completed_job(client, bytes([65 + i]) * 3) for i in range(3)]
    page = client.http.get("/v1/executions/", params={"limit": 2}).json()
    assert [r["executionId"] for r in page["results"]] == ids[::-1][:2]
    assert page["count"] == 2 and page["approximate"] and page["previous"] is None
    rest = client.http.get(page["next"]).json()
    assert [r["executionId"] for r in rest["results"]] == [ids[0]]
    assert rest["count"] == 3 and not rest["approximate"] and rest["next"] is None
    status = client.http.get(f"/v1/executions/{ids[0]}/status/").json()
    output_blob = f"{client.tenant}/{ids[0]}.txt"
    processed = services.storage.blob_service.get_blob_client("data-processed", output_blob)
    assert processed.exists() and status["outputFilename"] == "a.txt"

    assert client.http.delete(f"/v1/executions/{ids[0]}/").status_code == 204
    assert not processed.exists()
    assert client.http.get(f"/v1/executions/{ids[0]}/status/").status_code == 404
    bulk = client.http.post("/v1/executions/bulk-delete/", json={"execution_ids": ids}).json()
    assert bulk["deleted"] == 2 and bulk["failed"] == 1
    assert client.http.get("/v1/executions/").json() == {
        "count": 0,
        "approximate": False,
        "next": None,
        "previous": None,
        "results": [],
    }
