from __future__ import annotations

import azure.functions as func
import pytest

from functions.http_adapter import form_parameters, multipart_file, to_api_request, to_http_response
from shared.api.http import ApiResponse
from shared.errors import BadRequestError

BODY = (
    b'--b\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n'
    b"Content-Type: text/plain\r\n\r\nhello\r\n"
    b'--b\r\nContent-Disposition: form-data; name="parameters"\r\n\r\n'
    b'{"mode":"encode"}\r\n--b--\r\n'
)


def _multipart(body: bytes = BODY) -> func.HttpRequest:
    return func.HttpRequest(
        "POST",
        "http://h/api/v1/tools/base64-codec/run/",
        headers={"Content-Type": "multipart/form-data; boundary=b", "X-API-Key": "k"},
        route_params={"tool": "base64-codec"},
        params={"limit": "3"},
        body=body,
    )


def test_request_conversion_keeps_route_query_headers() -> None:
    request = to_api_request(_multipart())
    assert request.route == {"tool": "base64-codec"} and request.params == {"limit": "3"}
    assert request.headers["x-api-key"] == "k"
    assert request.api_base == "http://h/api"


def test_multipart_file_and_parameters() -> None:
    assert multipart_file(_multipart()) == ("a.txt", b"hello")
    assert form_parameters(_multipart()) == {"mode": "encode"}


def test_json_parameters_and_bad_json() -> None:
    ok = func.HttpRequest("POST", "http://h/api/x", body=b'{"parameters": {"a": 1}}')
    assert form_parameters(ok) == {"a": 1} and multipart_file(ok) is None
    with pytest.raises(BadRequestError):
        form_parameters(func.HttpRequest("POST", "http://h/api/x", body=b"{nope"))


def test_response_conversion() -> None:
    response = to_http_response(ApiResponse(302, b"", {"Location": "http://x"}))
    assert response.status_code == 302 and response.headers["Location"] == "http://x"
    response = to_http_response(ApiResponse(200, b'{"a":1}'))
    assert response.mimetype == "application/json" and response.get_body() == b'{"a":1}'


def test_health_needs_nothing_and_unconfigured_app_answers_503(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from functions import http_api
    from shared.context import set_services
    from shared.settings import get_settings

    for name in ("AzureWebJobsStorage", "AzureWebJobsStorage__accountName"):
        monkeypatch.delenv(name, raising=False)
    set_services(None)
    get_settings.cache_clear()
    health = http_api.health(func.HttpRequest("GET", "http://h/api/health", body=b""))
    assert health.status_code == 200 and health.get_body() == b'{"status": "healthy"}'
    ready = http_api.ready(func.HttpRequest("GET", "http://h/api/ready", body=b""))
    assert ready.status_code == 503 and b"AzureWebJobsStorage" in ready.get_body()
