"""The HTTP seam without Azure Functions: a plain request in, a plain response out.

functions/ converts `func.HttpRequest` into `ApiRequest` and `ApiResponse` back into
`func.HttpResponse`; every handler in shared/ works on these, so unit tests need no host.
`handle()` is the one place errors become HTTP answers.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError

from shared.auth import authenticate
from shared.context import Services
from shared.errors import ApiError, BadRequestError

__all__ = ["ApiRequest", "ApiResponse", "Caller", "handle", "json_response", "parse_body"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ApiRequest:
    method: str
    url: str
    headers: Mapping[str, str] = field(default_factory=dict)
    params: Mapping[str, str] = field(default_factory=dict)
    route: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""

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


def json_response(status: int, body: Any, headers: Mapping[str, str] | None = None) -> ApiResponse:
    return ApiResponse(status, json.dumps(body, default=str).encode(), dict(headers or {}))


M = Any


def parse_body(request: ApiRequest, model: type[BaseModel]) -> M:
    """The JSON body validated by `model`; 400 with every problem listed otherwise."""
    try:
        raw = json.loads(request.body or b"{}")
    except ValueError:
        raise BadRequestError("The body is not valid JSON", code="invalid_json") from None
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        details = [
            {"field": ".".join(str(p) for p in e["loc"]), "message": e["msg"]} for e in exc.errors()
        ]
        raise BadRequestError(
            "Invalid request body", details=details, code="invalid_body"
        ) from None


def handle(
    services: Services,
    request: ApiRequest,
    handler: Callable[[Services, ApiRequest, Caller], ApiResponse],
    *,
    authenticated: bool = True,
) -> ApiResponse:
    """Run `handler` after auth and rate limiting; map every error to its HTTP answer."""
    try:
        caller = Caller("", "")
        if authenticated:
            tenant, key = authenticate(request.headers, services.keys)
            services.rate_limiter.check(key)
            caller = Caller(tenant, key)
        return handler(services, request, caller)
    except ApiError as exc:
        return json_response(exc.status, exc.body(), exc.headers)
    except Exception:
        log.exception("unexpected error answering %s %s", request.method, request.url.split("?")[0])
        return json_response(
            500, {"error": "Internal error", "details": None, "code": "internal_error"}
        )
