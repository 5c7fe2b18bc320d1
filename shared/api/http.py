"""The HTTP seam without Azure Functions: a plain request in, a plain response out.

functions/ converts `func.HttpRequest` into `ApiRequest` and `ApiResponse` back into
`func.HttpResponse`; every handler in shared/api works on these, so unit tests need no host.
`error_response()` is the one place an exception becomes an HTTP answer.
"""

from __future__ import annotations

import io
import json
import logging
import re
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, BinaryIO, TypeVar

from azure.core.exceptions import HttpResponseError, ServiceRequestError, ServiceResponseError
from pydantic import BaseModel, ValidationError

from shared import tracing
from shared.auth import authenticate, key_from_headers
from shared.auth_limits import client_address
from shared.context import Services
from shared.errors import (
    STORAGE_RETRY_AFTER_SECONDS,
    ApiError,
    BadRequestError,
    ForbiddenError,
    ServiceUnavailableError,
    UnauthorizedError,
    storage_unavailable,
)
from shared.settings import SettingsError

__all__ = [
    "ApiRequest",
    "ApiResponse",
    "Caller",
    "Handler",
    "UploadedFile",
    "error_response",
    "finish",
    "handle",
    "json_response",
    "load_json",
    "parse_body",
    "request_field",
    "request_parameters",
    "respond",
]

M = TypeVar("M", bound=BaseModel)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class UploadedFile:
    """A multipart file field: the client's filename and its content, as bytes or as a
    seekable stream (the form parser spools large parts to a temporary file), so /convert/
    passes it on to blob storage in blocks without another copy in memory."""

    filename: str
    content: bytes | BinaryIO

    @property
    def size(self) -> int:
        if isinstance(self.content, bytes):
            return len(self.content)
        here = self.content.tell()
        size = self.content.seek(0, io.SEEK_END)
        self.content.seek(here)
        return size

    @property
    def data(self) -> bytes:
        """The whole content (small inline runs only)."""
        if isinstance(self.content, bytes):
            return self.content
        self.content.seek(0)
        return self.content.read()

    def open(self) -> BinaryIO:
        """The content from its start, as a stream the caller does not close."""
        if isinstance(self.content, bytes):
            return io.BytesIO(self.content)
        self.content.seek(0)
        return self.content


@dataclass(frozen=True)
class ApiRequest:
    method: str
    url: str
    headers: Mapping[str, str] = field(default_factory=dict)
    params: Mapping[str, str] = field(default_factory=dict)
    route: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""
    form: Mapping[str, str] = field(default_factory=dict)
    """Multipart text fields (empty for other bodies)."""
    file: UploadedFile | None = None
    """The multipart field `file`, when sent."""

    @property
    def is_multipart(self) -> bool:
        content_type = next((v for k, v in self.headers.items() if k.lower() == "content-type"), "")
        return "multipart/form-data" in content_type

    @property
    def api_base(self) -> str:
        """The absolute URL of the API root (`.../api`), for links in answers."""
        head, sep, _ = self.url.partition("/api/")
        return f"{head}/api" if sep else self.url.rstrip("/")


@dataclass(frozen=True)
class ApiResponse:
    status: int
    body: bytes = b""
    headers: Mapping[str, str] = field(default_factory=dict)
    media_type: str = "application/json"


@dataclass(frozen=True)
class Caller:
    tenant: str
    key: str
    scopes: tuple[str, ...] = ()


def json_response(status: int, body: Any, headers: Mapping[str, str] | None = None) -> ApiResponse:
    return ApiResponse(status, json.dumps(body, default=str).encode(), dict(headers or {}))


Handler = Callable[[Services, ApiRequest, Caller], ApiResponse]


MAX_JSON_DEPTH = 32
"""Request JSON nests far less than this; deeper documents are refused before anything
walks them recursively (Python's parser, pydantic and json.dumps all recurse)."""


def load_json(text: str | bytes, what: str = "The body") -> Any:
    """Parsed request JSON; 400 `invalid_json` for bad JSON, too deep nesting or numbers
    Python refuses to convert (never a RecursionError turning into a 500)."""
    try:
        value = json.loads(text)
    except RecursionError:
        raise BadRequestError(
            f"{what} is nested too deeply: the limit is {MAX_JSON_DEPTH} levels",
            code="invalid_json",
        ) from None
    except ValueError as exc:
        detail = "a number has too many digits" if "digits" in str(exc) else None
        raise BadRequestError(
            f"{what} is not valid JSON", details=detail, code="invalid_json"
        ) from None
    if _depth_over(value, MAX_JSON_DEPTH):
        raise BadRequestError(
            f"{what} is nested too deeply: the limit is {MAX_JSON_DEPTH} levels",
            code="invalid_json",
        )
    return value


def _depth_over(value: Any, limit: int) -> bool:
    """True when `value` nests lists/objects deeper than `limit` (iterative: no recursion)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            if depth > limit:
                return True
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return False


def parse_body(request: ApiRequest, model: type[M]) -> M:
    """The JSON body validated by `model`; 400 with every problem listed otherwise."""
    raw = load_json(request.body or b"{}")
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        details = [
            {"field": ".".join(str(p) for p in e["loc"]), "message": e["msg"]} for e in exc.errors()
        ]
        raise BadRequestError(
            "Invalid request body", details=details, code="invalid_body"
        ) from None


def request_parameters(request: ApiRequest) -> dict[str, Any] | None:
    """`parameters` from a multipart field (JSON text) or from a JSON body."""
    if request.is_multipart:
        raw: Any = request.form.get("parameters")
        if not raw:
            return None
        value = load_json(raw, "parameters")
    else:
        body = load_json(request.body or b"{}")
        if not isinstance(body, dict):
            raise BadRequestError("The body is not a JSON object", code="invalid_json")
        value = body.get("parameters")
    if value is not None and not isinstance(value, dict):
        raise BadRequestError("parameters must be a JSON object", code="invalid_json")
    return value


def request_field(request: ApiRequest, name: str) -> str | None:
    """A top-level text field of a multipart form or a JSON object body (e.g. webhookUrl)."""
    if request.is_multipart:
        return request.form.get(name) or None
    try:
        value = json.loads(request.body or b"{}").get(name)
    except (ValueError, AttributeError):
        return None
    if value is not None and not isinstance(value, str):
        raise BadRequestError(f"{name} must be a string", code="invalid_body")
    return value or None


def error_response(exc: Exception, request: ApiRequest) -> ApiResponse:
    """The answer for any exception a handler (or building its services) raised."""
    if isinstance(exc, SettingsError):  # the message names the missing key, never a value
        exc = ServiceUnavailableError(
            "The app is not configured", details=str(exc), code="not_configured"
        )
    if _storage_down(exc):
        path = request.url.split("?")[0]
        log.warning("storage unavailable answering %s %s: %s", request.method, path, exc)
        exc = storage_unavailable()
    if isinstance(exc, ApiError):
        headers = dict(exc.headers)
        if exc.status == 503:
            headers.setdefault("Retry-After", str(STORAGE_RETRY_AFTER_SECONDS))
        return json_response(exc.status, exc.body(), headers)
    log.error(
        "unexpected error answering %s %s",
        request.method,
        request.url.split("?")[0],
        exc_info=exc,
    )
    return json_response(
        500, {"error": "Internal error", "details": None, "code": "internal_error"}
    )


def _storage_down(exc: Exception) -> bool:
    """Storage did not answer (after the SDK's own retries), or answered with a 5xx."""
    if isinstance(exc, ServiceRequestError | ServiceResponseError):
        return True
    return isinstance(exc, HttpResponseError) and (exc.status_code or 0) >= 500


_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
SECURITY_HEADERS = {"X-Content-Type-Options": "nosniff", "Cache-Control": "no-store"}


def header(request: ApiRequest, name: str) -> str | None:
    return next((v for k, v in request.headers.items() if k.lower() == name), None)


def request_id(request: ApiRequest) -> str:
    """The caller's `x-request-id` when it is a sane token, else a new one."""
    given = (header(request, "x-request-id") or "").strip()
    return given if _REQUEST_ID.match(given) else uuid.uuid4().hex


def finish(response: ApiResponse, request_id: str) -> ApiResponse:
    """Every API answer: the request id and the security headers (a handler's own
    Cache-Control stands)."""
    headers = {**SECURITY_HEADERS, **response.headers, "x-request-id": request_id}
    return replace(response, headers=headers)


def respond(
    services: Callable[[], Services],
    request: ApiRequest,
    handler: Handler,
    *,
    authenticated: bool = True,
    scope: str | None = None,
) -> ApiResponse:
    """Build the services, run `handler` after auth and rate limiting, answer any error;
    in the request's trace (W3C traceparent, or a new one), with its request id."""
    rid = request_id(request)
    path = request.url.split("?")[0]
    with tracing.scope(
        f"{request.method} {path}", traceparent=header(request, "traceparent"), request_id=rid
    ):
        try:
            built = services()
            caller = Caller("", "")
            if authenticated:
                address, presented = (
                    client_address(request.headers),
                    key_from_headers(request.headers),
                )
                built.auth_failures.check(address, presented)
                try:
                    tenant, key = authenticate(request.headers, built.keys)
                except UnauthorizedError:
                    if presented:
                        built.auth_failures.failed(address, presented)
                    raise
                built.rate_limiter.check(key)
                caller = Caller(tenant, key, built.keys.scopes_for(key))
                if scope and scope not in caller.scopes:
                    raise ForbiddenError(f"This needs a key with the {scope!r} scope")
            response = handler(built, request, caller)
        except Exception as exc:
            response = error_response(exc, request)
    return finish(response, rid)


def handle(
    services: Services,
    request: ApiRequest,
    handler: Handler,
    *,
    authenticated: bool = True,
    scope: str | None = None,
) -> ApiResponse:
    """`respond` with services already built (tests, benchmarks)."""
    return respond(lambda: services, request, handler, authenticated=authenticated, scope=scope)
