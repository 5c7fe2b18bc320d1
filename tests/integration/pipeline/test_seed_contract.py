"""The seed API contract over devhost: form-field parameters, `id` and page size in the
history, plain signed download links, and the headers every answer carries."""

from __future__ import annotations

import io
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import httpx
import pytest
from PIL import Image

from tests.integration.pipeline.conftest import Client

pytestmark = pytest.mark.integration


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (10, 120, 200)).save(out, "JPEG")
    return out.getvalue()


def test_parameters_as_separate_form_fields_are_applied(client: Client) -> None:
    answer = client.http.post(
        "/v1/tools/image-format-converter/convert/",
        files={"file": ("blue.jpg", _jpeg(), "image/jpeg")},
        data={"outputFormat": "png", "maxWidth": "32"},
    )
    assert answer.status_code == 201, answer.text
    final, _ = client.wait(answer.json()["executionId"])
    assert final["status"] == "completed", final
    assert final["parameters"]["outputFormat"] == "png" and final["parameters"]["maxWidth"] == 32
    output = httpx.get(final["downloadUrl"], follow_redirects=True)
    assert Image.open(io.BytesIO(output.content)).size == (32, 24)


def test_unknown_form_fields_are_refused_by_name(client: Client) -> None:
    answer = client.http.post(
        "/v1/tools/image-format-converter/convert/",
        files={"file": ("blue.jpg", _jpeg(), "image/jpeg")},
        data={"outputFormat": "png", "qualty": "70", "colour": "red"},
    )
    assert answer.status_code == 400
    body = answer.json()
    assert body["code"] == "unknown_fields"
    assert "colour" in body["error"] and "qualty" in body["error"]


def test_history_items_carry_id_and_pages_default_to_ten(client: Client) -> None:
    for _ in range(11):
        created = client.http.post(
            "/v1/tools/unit-converter/jobs/",
            json={
                "parameters": {"quantity": "length", "value": 1, "fromUnit": "m", "toUnit": "cm"}
            },
        )
        assert created.status_code == 201, created.text
    page = client.http.get("/v1/executions/").json()
    assert len(page["results"]) == 10 and page["next"]
    assert all(item["id"] == item["executionId"] for item in page["results"])


def _completed(client: Client) -> dict[str, Any]:
    answer = client.http.post(
        "/v1/tools/base64-codec/convert/", files={"file": ("a.bin", b"plain link", "text/plain")}
    )
    assert answer.status_code == 201, answer.text
    final, _ = client.wait(answer.json()["executionId"])
    assert final["status"] == "completed", final
    return final


def test_download_url_is_a_plain_link_without_the_key(client: Client) -> None:
    final = _completed(client)
    link = final["downloadUrl"]
    redirect = httpx.get(link)  # no API key
    assert redirect.status_code == 302, redirect.text
    assert httpx.get(redirect.headers["location"]).content == b"cGxhaW4gbGluaw=="
    # The API-key route still works.
    keyed = client.http.get(f"/v1/executions/{final['executionId']}/download/")
    assert keyed.status_code == 302


@pytest.mark.parametrize("field", ["signature", "tenant", "expires"])
def test_a_tampered_link_is_refused(client: Client, field: str) -> None:
    parts = urlsplit(_completed(client)["downloadUrl"])
    query = dict(parse_qsl(parts.query))
    query[field] = {"signature": "AAAA", "tenant": "someone-else", "expires": "9999999999"}[field]
    answer = httpx.get(urlunsplit(parts._replace(query=urlencode(query))))
    assert answer.status_code == 403 and answer.json()["code"] == "invalid_link"


def test_every_api_answer_carries_request_id_and_security_headers(client: Client) -> None:
    for answer in (
        client.http.get("/v1/executions/"),
        client.http.get("/v1/executions/not-a-job/status/"),
        httpx.get(str(client.http.base_url) + "/v1/executions/"),  # 401
    ):
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert answer.headers["cache-control"] == "no-store"
        assert len(answer.headers["x-request-id"]) >= 16
    catalog = client.http.get("/v1/tools/")  # cacheable by its own choice, still marked
    assert (
        catalog.headers["x-content-type-options"] == "nosniff" and catalog.headers["x-request-id"]
    )
    echoed = client.http.get("/v1/tools/", headers={"x-request-id": "client-req-42"})
    assert echoed.headers["x-request-id"] == "client-req-42"
    invalid = client.http.get("/v1/tools/", headers={"x-request-id": "bad id\twith spaces"})
    assert invalid.headers["x-request-id"] != "bad id\twith spaces"


def test_the_site_is_served_with_csp_and_referrer_policy(client: Client, devhost: Any) -> None:
    page = httpx.get(devhost.base_url + "/")
    assert page.status_code == 200
    csp = page.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert page.headers["referrer-policy"] == "strict-origin-when-cross-origin"
