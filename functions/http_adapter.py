"""func.HttpRequest ⇄ shared.http: the only HTTP code that knows Azure Functions."""

import json
from collections.abc import Callable
from typing import Any

import azure.functions as func

from shared.context import Services, get_services
from shared.errors import BadRequestError
from shared.http import ApiRequest, ApiResponse, Caller, handle, json_response
from shared.settings import SettingsError

Handler = Callable[[Services, ApiRequest, Caller], ApiResponse]


def to_api_request(req: func.HttpRequest) -> ApiRequest:
    return ApiRequest(
        method=req.method,
        url=req.url,
        headers=dict(req.headers),
        params=dict(req.params),
        route=dict(req.route_params),
        body=req.get_body() or b"",
    )


def to_http_response(response: ApiResponse) -> func.HttpResponse:
    return func.HttpResponse(
        body=response.body,
        status_code=response.status,
        headers=dict(response.headers),
        mimetype=response.media_type if response.body else None,
    )


def serve(
    req: func.HttpRequest, handler: Handler, *, authenticated: bool = True
) -> func.HttpResponse:
    try:
        services = get_services()
    except SettingsError as exc:  # the message names the missing key, never a value
        body = {"error": "The app is not configured", "details": str(exc), "code": "not_configured"}
        return to_http_response(json_response(503, body))
    return to_http_response(
        handle(services, to_api_request(req), handler, authenticated=authenticated)
    )


def multipart_file(req: func.HttpRequest) -> tuple[str, bytes] | None:
    """The multipart field `file` as (filename, bytes), or None when absent."""
    if "multipart/form-data" not in req.headers.get("content-type", ""):
        return None
    upload = req.files.get("file")
    if upload is None:
        return None
    return upload.filename or "upload", upload.read()


def form_parameters(req: func.HttpRequest) -> dict[str, Any] | None:
    """`parameters` from a multipart field (JSON text) or from a JSON body."""
    if "multipart/form-data" in req.headers.get("content-type", ""):
        raw = req.form.get("parameters")
        if not raw:
            return None
        try:
            value = json.loads(raw)
        except ValueError:
            raise BadRequestError("parameters must be a JSON object", code="invalid_json") from None
    else:
        try:
            value = json.loads(req.get_body() or b"{}").get("parameters")
        except (ValueError, AttributeError):
            raise BadRequestError("The body is not a JSON object", code="invalid_json") from None
    if value is not None and not isinstance(value, dict):
        raise BadRequestError("parameters must be a JSON object", code="invalid_json")
    return value
