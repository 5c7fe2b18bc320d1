from __future__ import annotations

import pytest

from shared.auth import RateLimiter, authenticate, key_from_headers
from shared.context import Services
from shared.errors import RateLimitedError, UnauthorizedError


def test_key_from_either_header() -> None:
    assert key_from_headers({"X-API-Key": "k1"}) == "k1"
    assert key_from_headers({"authorization": "Bearer k2"}) == "k2"
    assert key_from_headers({"Authorization": "Basic abc"}) is None
    assert key_from_headers({}) is None


def test_authenticate(services: Services, tenant: str) -> None:
    key, _ = services.keys.create(tenant)
    assert authenticate({"Authorization": f"Bearer {key}"}, services.keys) == (tenant, key)
    with pytest.raises(UnauthorizedError):
        authenticate({}, services.keys)
    with pytest.raises(UnauthorizedError):
        authenticate({"X-API-Key": "mtb_000000000000_" + "y" * 30}, services.keys)


def test_rate_limiter_refuses_with_retry_after_then_refills() -> None:
    now = [0.0]
    limiter = RateLimiter(3, clock=lambda: now[0])
    for _ in range(3):
        limiter.check("k")
    with pytest.raises(RateLimitedError) as refused:
        limiter.check("k")
    assert refused.value.status == 429
    assert int(refused.value.headers["Retry-After"]) >= 1
    limiter.check("other")  # per key
    now[0] += 20.0  # 3 per minute: one token every 20 s
    limiter.check("k")
