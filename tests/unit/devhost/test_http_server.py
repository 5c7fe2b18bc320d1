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
        tmp_path, specs, "api", invoke_other=lambda spec, text: invoked.append((spec.name, text)),
        master_key="mk",
    )  # fmt: skip
    test_client = AsgiClient(app)
    test_client.invoked = invoked  # type: ignore[attr-defined]
    return test_client


def test_dispatch_and_errors(client: AsgiClient) -> None:
    assert client.get("/api/hello/ann").text == "hi ann"
    assert client.get("/api/hello/42").status_code == 404
    assert client.post("/api/hello/ann").headers["allow"] == "GET"
    assert client.get("/api/boom").status_code == 500
    assert client.post("/api/none").status_code == 500  # the worker cannot encode None
    assert client.get("/api/").status_code == 404  # under the prefix: never the site


def test_site_and_admin(client: AsgiClient) -> None:
    assert client.get("/").text == "<p>site</p>"
    key = {"x-functions-key": "mk"}
    assert client.post("/admin/functions/tick", json={"input": "x"}).status_code == 401
    assert client.post("/admin/functions/tick?code=bad", json={"input": "x"}).status_code == 401
    assert client.post("/admin/functions/tick?code=mk", json={"input": "x"}).status_code == 202
    assert client.post("/admin/functions/hello", json={}, headers=key).status_code == 400
    assert client.post("/admin/functions/missing", json={}, headers=key).status_code == 404
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


def test_every_set_cookie_header_is_sent() -> None:
    answer = func.HttpResponse("ok")
    answer.headers.add("Set-Cookie", "a=1; Path=/")
    answer.headers.add("Set-Cookie", "b=2; HttpOnly")
    response = to_response(answer)
    cookies = [v for k, v in response.raw_headers if k == b"set-cookie"]
    assert cookies == [b"a=1; Path=/", b"b=2; HttpOnly"]
    assert response.headers["content-type"] == "text/plain; charset=utf-8"


def test_a_body_over_the_limit_is_413_before_it_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FUNCTIONS_REQUEST_BODY_SIZE_LIMIT", "1000")
    seen: list[int] = []
    specs = [_http("up", "up", ["POST"], lambda req: seen.append(len(req.get_body())) or "ok")]
    client = AsgiClient(build_app(tmp_path, specs, "api", invoke_other=print))
    assert client.post("/api/up", content=b"x" * 1000).text == "ok"
    assert client.post("/api/up", content=b"x" * 1001).status_code == 413

    async def chunks() -> Any:  # no Content-Length: counted while streaming
        for _ in range(5):
            yield b"y" * 400

    assert client.post("/api/up", content=chunks()).status_code == 413
    assert seen == [1000]


def test_only_calls_that_can_create_an_upload_wake_the_blob_listeners_of_its_container(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from devhost import http_server

    url = "http://127.0.0.1:10000/devstoreaccount1/image-uploads/dev/job/a%20b.jpg?sig=x"
    blob = {"type": "blobTrigger", "name": "blob", "path": "image-uploads/{name}"}
    specs = [
        _http("create", "jobs", ["POST"], lambda req: func.HttpResponse(f'{{"upload":"{url}"}}')),
        _http("plain", "other", ["POST"], lambda req: "ok"),
        _http("status", "jobs/{id}", ["GET"], lambda req: f'{{"upload":"{url}"}}'),
        _http("none", "none", ["POST"], lambda req: None),
        FunctionSpec("ingest", "blobTrigger", blob, [blob], print),
    ]
    client = AsgiClient(build_app(tmp_path, specs, "api", invoke_other=lambda s, t: None))
    events: list[str] = []
    monkeypatch.setattr(http_server, "announce_one", events.append)
    assert client.get("/api/jobs/1").status_code == 200
    assert events == []  # a status poll is a read: no upload follows it
    assert client.post("/api/none").status_code == 500
    assert events == []  # nor does a call that failed
    client.post("/api/jobs")
    # the upload goes where the response says: that container, that blob
    assert events == ["http:image-uploads/dev/job/a b.jpg"]
    client.post("/api/other")
    assert events[1:] == ["http"]  # a response naming no watched container: all of them


def test_an_upload_url_names_its_blob_and_a_bare_container_mention_does_not() -> None:
    from devhost.http_server import upload_nudges

    body = (
        b'{"files":[{"url":"http://h/devstoreaccount1/image-uploads/t/j/1.jpg?sv=1"},'
        b'{"url":"http://h/devstoreaccount1/image-uploads/t/j/2.jpg?sv=1"},'
        b'{"url":"http://h/devstoreaccount1/image-uploads/t/j/1.jpg?sv=2"}]}'
    )
    assert upload_nudges(body, ["image-uploads", "video-uploads"]) == [
        "http:image-uploads/t/j/1.jpg",
        "http:image-uploads/t/j/2.jpg",
    ]
    assert upload_nudges(b'{"note":"see /video-uploads/"}', ["video-uploads"]) == [
        "http:video-uploads"
    ]
