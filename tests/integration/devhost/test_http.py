"""HTTP on devhost: routes and constraints, methods, 404/405, request and response mapping."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

pytestmark = pytest.mark.integration


@pytest.fixture
def api(basic_host: Any) -> httpx.Client:
    return httpx.Client(base_url=f"{basic_host.base_url}/api", timeout=30)


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/items/42", "id=42"),
        ("/items/abc", "name=abc"),
        ("/files/a/b/c.txt", "rest=a/b/c.txt"),
        ("/files", "rest="),
        ("/opt", "opt=-"),
        ("/opt/7", "opt=7"),
    ],
)
def test_routes_pick_the_function_and_str_returns_text(
    api: httpx.Client, path: str, expected: str
) -> None:
    answer = api.get(path)
    assert answer.status_code == 200
    assert answer.text == expected
    assert answer.headers["content-type"].startswith("text/plain")


def test_guid_constraint(api: httpx.Client) -> None:
    value = str(uuid.uuid4())
    assert api.get(f"/guid/{value}").text == f"guid={value}"
    assert api.get("/guid/not-a-guid").status_code == 404


def test_constraint_mismatch_and_unknown_path_are_404(api: httpx.Client) -> None:
    assert api.get("/items/12ab").status_code == 404
    assert api.get("/nothing/here").status_code == 404


def test_wrong_method_is_405_with_allow(api: httpx.Client) -> None:
    answer = api.post("/items/42")
    assert answer.status_code == 405
    assert answer.headers["allow"] == "GET"
    assert api.delete("/items/abc").text == "name=abc"


def test_request_fields_and_http_response(api: httpx.Client) -> None:
    answer = api.put("/echo/things?a=1&b=two", content=b"payload", headers={"X-Test": "yes"})
    assert answer.status_code == 201
    assert answer.headers["x-echo"] == "1"
    assert answer.headers["content-type"].startswith("application/json")
    body = answer.json()
    assert body["method"] == "PUT"
    assert body["kind"] == "things"
    assert body["params"] == {"a": "1", "b": "two"}
    assert body["header"] == "yes"
    assert body["body"] == "payload"
    assert body["url"].endswith("/api/echo/things?a=1&b=two")


def test_static_site_outside_the_prefix(basic_host: Any) -> None:
    index = httpx.get(f"{basic_host.base_url}/")
    assert index.status_code == 200
    assert "static ok" in index.text
    assert httpx.get(f"{basic_host.base_url}/app.css").text.strip() == "body { color: red; }"
    assert httpx.get(f"{basic_host.base_url}/missing.js").status_code == 404


def test_host_status(basic_host: Any) -> None:
    status = httpx.get(f"{basic_host.base_url}/admin/host/status").json()
    assert status["state"] == "Running"
    assert {"item_by_id", "record_queue", "always_fails"} <= set(status["functions"])
