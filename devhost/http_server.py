"""The HTTP side: function routes under the route prefix, admin endpoints, the static site.

As in Azure: a request body over FUNCTIONS_REQUEST_BODY_SIZE_LIMIT (100 MB) is answered 413
without being buffered; an HTTP function returning None (or raising) answers 500;
every Set-Cookie header is sent; `/admin/functions/*` needs the master key (header
`x-functions-key` or `?code=`); Event Grid blob notifications and the subscription
validation handshake are served at POST /runtime/webhooks/blobs?functionName=Host.Functions.X.
"""

from __future__ import annotations

import hmac
import json
import logging
import os
import re
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import azure.functions as func
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send

from devhost.app_loader import FunctionSpec
from devhost.blobs import path_pattern
from devhost.expressions import json_properties
from devhost.invoke import invoke
from devhost.notify import announce_one
from devhost.routes import RouteTemplate
from devhost.site_headers import global_headers, with_headers

__all__ = ["build_app"]

logger = logging.getLogger(__name__)
ALL_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE"]
WRITES = ("POST", "PUT", "PATCH")
DEFAULT_BODY_LIMIT = 104_857_600  # the host's default maximum request body (100 MB)


class BodyTooLargeError(Exception):
    pass


def body_limit() -> int:
    return int(os.environ.get("FUNCTIONS_REQUEST_BODY_SIZE_LIMIT") or DEFAULT_BODY_LIMIT)


async def read_body(request: Request, limit: int) -> bytes:
    """The whole body, or BodyTooLargeError as soon as it is known to exceed `limit`."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise BodyTooLargeError
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BodyTooLargeError
        chunks.append(chunk)
    return b"".join(chunks)


class HttpFunction:
    def __init__(self, spec: FunctionSpec) -> None:
        self.spec = spec
        self.template = RouteTemplate.parse(spec.trigger.get("route") or spec.name)
        methods = spec.trigger.get("methods") or ALL_METHODS
        self.methods = {str(m).upper() for m in methods}


def to_response(result: Any) -> Response:
    if result is None:  # the worker cannot encode None as an HTTP response: Azure answers 500
        raise TypeError("an HTTP function returned None, not HttpResponse/str")
    if isinstance(result, str):
        return PlainTextResponse(result)
    if isinstance(result, func.HttpResponse):
        pairs = list(result.headers.items())  # werkzeug Headers: repeated names kept
        response = Response(result.get_body(), status_code=result.status_code)
        raw = [(k, v) for k, v in response.raw_headers if k != b"content-type"]
        if not any(k.lower() == "content-type" for k, _ in pairs) and result.mimetype:
            charset = f"; charset={result.charset}" if result.charset else ""
            pairs.append(("Content-Type", f"{result.mimetype}{charset}"))
        raw += [(k.lower().encode("latin-1"), str(v).encode("latin-1")) for k, v in pairs]
        response.raw_headers = raw
        return response
    raise TypeError(f"an HTTP function returned {type(result).__name__}, not HttpResponse/str")


def http_binding_data(request: func.HttpRequest) -> dict[str, Any]:
    """Route values, `Query`, `Headers` and JSON body properties for {expressions}."""
    return {
        **json_properties(request.get_body()),
        **dict(request.route_params),
        "Query": dict(request.params),
        "Headers": dict(request.headers),
    }


def key_ok(request: Request, key: str) -> bool:
    given = request.headers.get("x-functions-key") or request.query_params.get("code") or ""
    return bool(key) and hmac.compare_digest(given.encode(), key.encode())


def _static_app(app_dir: Path) -> ASGIApp | None:
    for candidate in (app_dir / "static_site" / "dist", app_dir / "static_site"):
        if (candidate / "index.html").exists():
            return with_headers(
                StaticFiles(directory=candidate, html=True), global_headers(candidate)
            )
    return None


def build_app(
    app_dir: Path,
    specs: list[FunctionSpec],
    route_prefix: str,
    *,
    invoke_other: Callable[[FunctionSpec, str], None],
    cors_origins: list[str] | None = None,
    master_key: str = "",
    on_blob_event: Callable[[FunctionSpec, str, str], None] | None = None,
) -> Starlette:
    """The ASGI app. invoke_other(spec, input) runs a non-HTTP function (admin invoker);
    on_blob_event(spec, container, blob) runs a blob function for an Event Grid event."""
    limit = body_limit()
    live = [s for s in specs if not s.disabled]
    functions = [HttpFunction(s) for s in live if s.trigger_type == "httpTrigger"]
    functions.sort(key=lambda f: f.template.specificity, reverse=True)
    by_name = {s.name: s for s in live}
    watched = sorted(
        {path_pattern(s.trigger["path"])[0] for s in live if s.trigger_type == "blobTrigger"}
    )
    static = _static_app(app_dir)
    prefix = f"/{route_prefix}" if route_prefix else ""
    admin_pool = ThreadPoolExecutor(max_workers=8, thread_name_prefix="admin-invoke")

    async def dispatch(scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        path: str = scope["path"]
        if prefix == "" or path == prefix or path.startswith(prefix + "/"):
            response = await _call_function(request, path[len(prefix) :])
            if response is not None or static is None or prefix:
                await (response or _not_found())(scope, receive, send)
                return
        if static is not None:
            await static(scope, receive, send)
            return
        await _not_found()(scope, receive, send)

    async def _call_function(request: Request, sub_path: str) -> Response | None:
        matched = [(f, f.template.match(sub_path)) for f in functions]
        candidates = [(f, params) for f, params in matched if params is not None]
        if not candidates:
            return None
        allowed = [(f, p) for f, p in candidates if request.method in f.methods]
        if not allowed:
            methods = sorted({m for f, _ in candidates for m in f.methods})
            return Response(status_code=405, headers={"Allow": ", ".join(methods)})
        function, params = allowed[0]
        try:
            body = await read_body(request, limit)
        except BodyTooLargeError:
            return JSONResponse(
                {"error": f"request body larger than {limit} bytes"}, status_code=413
            )
        http_request = func.HttpRequest(
            method=request.method,
            url=str(request.url),
            headers=dict(request.headers),
            params=dict(request.query_params),
            route_params=params,
            body=body,
        )
        invocation_id = str(uuid.uuid4())
        try:
            result = await run_in_threadpool(
                invoke, function.spec, http_request, label="http", invocation_id=invocation_id,
                data=http_binding_data(http_request),
                traceparent=request.headers.get("traceparent"),
            )  # fmt: skip
            response = to_response(result)
        except Exception:
            logger.exception("function %s failed", function.spec.name)
            return Response(status_code=500)
        if request.method in WRITES and response.status_code < 300:
            for event in upload_nudges(getattr(response, "body", b""), watched):
                announce_one(event)  # one worker's listeners of it poll quickly for a while
        return response

    async def status(request: Request) -> Response:
        return JSONResponse(
            {
                "state": "Running",
                "functions": [s.name for s in specs],
                "disabled": {s.name: s.disabled for s in specs if s.disabled},
                "routePrefix": route_prefix,
            }
        )

    async def admin_invoke(request: Request) -> Response:
        if not key_ok(request, master_key):
            return JSONResponse(
                {"error": "the master key is required (x-functions-key header or ?code=)"},
                status_code=401,
            )
        spec = by_name.get(request.path_params["name"])
        if spec is None:
            return JSONResponse({"error": "no such function"}, status_code=404)
        if spec.trigger_type == "httpTrigger":
            return JSONResponse({"error": "call HTTP functions on their route"}, status_code=400)
        try:
            body = await request.json() if await request.body() else {}
        except ValueError:
            return JSONResponse({"error": 'body must be JSON {"input": ...}'}, status_code=400)
        admin_pool.submit(invoke_other, spec, str(body.get("input") or ""))
        return Response(status_code=202)

    async def blob_webhook(request: Request) -> Response:
        name = request.query_params.get("functionName", "").removeprefix("Host.Functions.")
        spec = by_name.get(name)
        if (
            spec is None
            or spec.trigger_type != "blobTrigger"
            or str(spec.trigger.get("source")) != "EventGrid"
        ):
            return Response(status_code=404)
        try:
            events = json.loads(await read_body(request, limit) or b"[]")
        except (ValueError, BodyTooLargeError):
            return JSONResponse({"error": "body must be a JSON array of events"}, status_code=400)
        events = events if isinstance(events, list) else [events]
        kind = request.headers.get("aeg-event-type", "").lower()
        if kind == "subscriptionvalidation":
            code = ((events or [{}])[0].get("data") or {}).get("validationCode")
            logger.info("Event Grid handshake for function %s", spec.name)
            return JSONResponse({"validationResponse": code})
        if kind == "notification" and on_blob_event is not None:
            for event in events:
                target = _blob_of(event)
                if event.get("eventType") == "Microsoft.Storage.BlobCreated" and target:
                    admin_pool.submit(on_blob_event, spec, *target)
        return Response(status_code=202)

    middleware = []
    if cors_origins:
        middleware.append(
            Middleware(
                CORSMiddleware, allow_origins=cors_origins, allow_methods=["*"], allow_headers=["*"]
            )
        )
    app = Starlette(
        routes=[
            Route("/admin/host/status", status, methods=["GET"]),
            Route("/admin/functions/{name}", admin_invoke, methods=["POST"]),
            Route("/runtime/webhooks/blobs", blob_webhook, methods=["POST"]),
        ],
        middleware=middleware,
    )
    app.router.default = dispatch  # everything else: functions, then the site
    return app


def upload_nudges(body: bytes, containers: list[str]) -> list[str]:
    """What a successful POST, PUT or PATCH announces to the blob listeners: an upload
    follows the call that created its job, into the container its response names (the
    upload URL), as `http:{container}/{blob}` when the URL names the blob (the listener
    then knows when it has come), else `http:{container}`; a response that names no
    container wakes the listeners of every container."""
    events: list[str] = []
    for container in containers:
        found = [
            unquote(blob.decode(errors="replace"))
            for blob in re.findall(
                rb"/" + re.escape(container.encode()) + rb"/([^?\"'\s<>]+)", body
            )
        ]
        if found:
            events += [f"http:{container}/{blob}" for blob in dict.fromkeys(found)]
        elif f"/{container}/".encode() in body:
            events.append(f"http:{container}")
    return events or ["http"]


def _blob_of(event: dict[str, Any]) -> tuple[str, str] | None:
    """(container, blob) of a BlobCreated event, from its subject (or data.url)."""
    subject = str(event.get("subject") or "")
    marker = "/containers/"
    if marker in subject and "/blobs/" in subject:
        container, _, blob = subject.split(marker, 1)[1].partition("/blobs/")
        return container, blob
    url = str((event.get("data") or {}).get("url") or "")
    parts = url.split("/")
    if len(parts) < 5:
        return None
    path = parts[3:]
    if path and path[0] == "devstoreaccount1":  # Azurite's path-style URLs
        path = path[1:]
    return (path[0], unquote("/".join(path[1:]))) if len(path) > 1 else None


def _not_found() -> Response:
    return Response(status_code=404)
