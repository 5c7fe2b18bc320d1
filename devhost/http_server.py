"""The HTTP side: function routes under the route prefix, admin endpoints, the static site."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import azure.functions as func
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route
from starlette.staticfiles import StaticFiles
from starlette.types import Receive, Scope, Send

from devhost.app_loader import FunctionSpec
from devhost.invoke import invoke
from devhost.routes import RouteTemplate

__all__ = ["build_app"]

logger = logging.getLogger(__name__)
ALL_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE"]


class HttpFunction:
    def __init__(self, spec: FunctionSpec) -> None:
        self.spec = spec
        self.template = RouteTemplate.parse(spec.trigger.get("route") or spec.name)
        methods = spec.trigger.get("methods") or ALL_METHODS
        self.methods = {str(m).upper() for m in methods}


def to_response(result: Any) -> Response:
    if result is None:
        return Response(status_code=204)
    if isinstance(result, str):
        return PlainTextResponse(result)
    if isinstance(result, func.HttpResponse):
        headers = dict(result.headers)
        if not any(k.lower() == "content-type" for k in headers) and result.mimetype:
            charset = f"; charset={result.charset}" if result.charset else ""
            headers["Content-Type"] = f"{result.mimetype}{charset}"
        return Response(result.get_body(), status_code=result.status_code, headers=headers)
    raise TypeError(f"an HTTP function returned {type(result).__name__}, not HttpResponse/str")


def _static_app(app_dir: Path) -> StaticFiles | None:
    for candidate in (app_dir / "static_site" / "dist", app_dir / "static_site"):
        if (candidate / "index.html").exists():
            return StaticFiles(directory=candidate, html=True)
    return None


def build_app(
    app_dir: Path,
    specs: list[FunctionSpec],
    route_prefix: str,
    *,
    invoke_other: Callable[[FunctionSpec, str], None],
    cors_origins: list[str] | None = None,
) -> Starlette:
    """The ASGI app. invoke_other(spec, input) runs a non-HTTP function (admin invoker)."""
    functions = [HttpFunction(s) for s in specs if s.trigger_type == "httpTrigger"]
    functions.sort(key=lambda f: f.template.specificity, reverse=True)
    by_name = {s.name: s for s in specs}
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
        http_request = func.HttpRequest(
            method=request.method,
            url=str(request.url),
            headers=dict(request.headers),
            params=dict(request.query_params),
            route_params=params,
            body=await request.body(),
        )
        invocation_id = str(uuid.uuid4())
        try:
            result = await run_in_threadpool(
                invoke, function.spec, http_request, label="http", invocation_id=invocation_id
            )
            return to_response(result)
        except Exception:
            logger.exception("function %s failed", function.spec.name)
            return Response(status_code=500)

    async def status(request: Request) -> Response:
        return JSONResponse(
            {"state": "Running", "functions": [s.name for s in specs], "routePrefix": route_prefix}
        )

    async def admin_invoke(request: Request) -> Response:
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
        ],
        middleware=middleware,
    )
    app.router.default = dispatch  # everything else: functions, then the site
    return app


def _not_found() -> Response:
    return Response(status_code=404)
