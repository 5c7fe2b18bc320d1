"""The ASGI app without storage: dispatch, 404/405, response mapping, static files, admin."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import azure.functions as func
import httpx
import pytest

from devhost.app_loader import FunctionSpec
from devhost.http_server import build_app, to_response


class AsgiClient:
    """Synchronous calls into the ASGI app through httpx's ASGI transport (no server)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        async def call() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app)
            async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
                return await client.request(method, url, **kwargs)

        return asyncio.run(call())

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", url, **kwargs)


def _http(name: str, route: str, methods: list[str], handler: Any) -> FunctionSpec:
    trigger = {"type": "httpTrigger", "name": "req", "route": route, "methods": methods}
    return FunctionSpec(name, "httpTrigger", trigger, [trigger], handler)


@pytest.fixture
def client(tmp_path: Path) -> AsgiClient:
    (tmp_path / "static_site").mkdir()
    (tmp_path / "static_site" / "index.html").write_text("<p>site</p>")
    invoked: list[tuple[str, str]] = []
    specs = [
        _http("hello", "hello/{who:alpha}", ["GET"], lambda req: f"hi {req.route_params['who']}"),
        _http("boom", "boom", ["GET"], lambda req: 1 / 0),
        _http("none", "none", ["POST"], lambda req: None),
        FunctionSpec("tick", "timerTrigger", {"name": "t", "schedule": "* * * * *"}, [], print),
    ]
    app = build_app(
        tmp_path, specs, "api", invoke_other=lambda spec, text: invoked.append((spec.name, text))
    )
    test_client = AsgiClient(app)
    test_client.invoked = invoked  # type: ignore[attr-defined]
    return test_client


def test_dispatch_and_errors(client: AsgiClient) -> None:
    assert client.get("/api/hello/ann").text == "hi ann"
    assert client.get("/api/hello/42").status_code == 404
    assert client.post("/api/hello/ann").headers["allow"] == "GET"
    assert client.get("/api/boom").status_code == 500
    assert client.post("/api/none").status_code == 204
    assert client.get("/api/").status_code == 404  # under the prefix: never the site


def test_site_and_admin(client: AsgiClient) -> None:
    assert client.get("/").text == "<p>site</p>"
    assert client.post("/admin/functions/tick", json={"input": "x"}).status_code == 202
    assert client.post("/admin/functions/hello", json={}).status_code == 400
    assert client.post("/admin/functions/missing", json={}).status_code == 404
    assert client.get("/admin/host/status").json()["functions"] == ["hello", "boom", "none", "tick"]


def test_to_response_keeps_status_headers_and_type() -> None:
    response = to_response(
        func.HttpResponse(b"{}", status_code=409, headers={"X-A": "b"}, mimetype="application/json")
    )
    assert response.status_code == 409
    assert response.headers["x-a"] == "b"
    assert response.headers["content-type"] == "application/json; charset=utf-8"
    with pytest.raises(TypeError, match="dict"):
        to_response({"not": "allowed"})
