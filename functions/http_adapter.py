"""func.HttpRequest ⇄ shared.api.http: the only HTTP code that knows Azure Functions."""

from typing import Any

import azure.functions as func

from shared.api.http import ApiRequest, ApiResponse, Handler, UploadedFile, request_parameters
from shared.api.http import respond as respond_api
from shared.context import get_services


def to_api_request(req: func.HttpRequest) -> ApiRequest:
    multipart = "multipart/form-data" in req.headers.get("content-type", "")
    return ApiRequest(
        method=req.method,
        url=req.url,
        headers=dict(req.headers),
        params=dict(req.params),
        route=dict(req.route_params),
        body=req.get_body() or b"",
        form={k: v for k, v in req.form.items() if isinstance(v, str)} if multipart else {},
        file=_file(req) if multipart else None,
    )


def to_http_response(response: ApiResponse) -> func.HttpResponse:
    return func.HttpResponse(
        body=response.body,
        status_code=response.status,
        headers=dict(response.headers),
        mimetype=response.media_type if response.body else None,
    )


def serve(
    req: func.HttpRequest,
    handler: Handler,
    *,
    authenticated: bool = True,
    scope: str | None = None,
) -> func.HttpResponse:
    request = to_api_request(req)
    return to_http_response(
        respond_api(get_services, request, handler, authenticated=authenticated, scope=scope)
    )


def _file(req: func.HttpRequest) -> UploadedFile | None:
    upload = req.files.get("file")
    if upload is None:
        return None
    # werkzeug spools a large part to a temporary file: hand on the stream, not a copy.
    return UploadedFile(filename=upload.filename or "upload", content=upload.stream)


def multipart_file(req: func.HttpRequest) -> tuple[str, bytes] | None:
    """The multipart field `file` as (filename, bytes), or None when absent."""
    file = to_api_request(req).file
    return (file.filename, file.data) if file else None


def form_parameters(req: func.HttpRequest) -> dict[str, Any] | None:
    """`parameters` from a multipart field (JSON text) or from a JSON body."""
    return request_parameters(to_api_request(req))
