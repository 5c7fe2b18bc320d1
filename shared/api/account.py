"""The caller's own settings: the webhook signing secret (GET, and POST .../rotate/)."""

from __future__ import annotations

from typing import Any

from shared.api.http import ApiRequest, ApiResponse, Caller, json_response
from shared.context import Services
from shared.webhook_secrets import ROTATION_OVERLAP, SigningSecret

__all__ = ["rotate_webhook_secret", "webhook_secret"]


def _answer(secret: SigningSecret, services: Services) -> dict[str, Any]:
    now = services.clock()
    honoured = secret.previous_until is not None and secret.previous_until > now
    return {
        "secret": secret.secret,
        "createdAt": secret.created_at.isoformat(),
        "previousSecret": secret.previous if honoured else None,
        "previousValidUntil": secret.previous_until.isoformat()
        if honoured and secret.previous_until
        else None,
    }


def webhook_secret(services: Services, request: ApiRequest, caller: Caller) -> ApiResponse:
    """The tenant's `whsec_` secret (created on first use): verify webhooks with it."""
    secret = services.webhook_secrets.get(caller.tenant, now=services.clock())
    return json_response(200, _answer(secret, services))


def rotate_webhook_secret(services: Services, request: ApiRequest, caller: Caller) -> ApiResponse:
    """A new secret; events are signed with both for ROTATION_OVERLAP (24 h)."""
    secret = services.webhook_secrets.rotate(caller.tenant, now=services.clock())
    answer = _answer(secret, services)
    answer["overlapSeconds"] = int(ROTATION_OVERLAP.total_seconds())
    return json_response(200, answer)
