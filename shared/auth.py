"""Who is calling: the API key from `X-API-Key` or `Authorization: Bearer`, and a rate limit."""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Mapping

from shared.errors import RateLimitedError, UnauthorizedError
from shared.keys import KeyStore

__all__ = ["RateLimiter", "authenticate", "key_from_headers"]


def key_from_headers(headers: Mapping[str, str]) -> str | None:
    lowered = {k.lower(): v for k, v in headers.items()}
    key = lowered.get("x-api-key", "").strip()
    if key:
        return key
    scheme, _, token = lowered.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return None


def authenticate(headers: Mapping[str, str], keys: KeyStore) -> tuple[str, str]:
    """(tenant, key) for a valid key; UnauthorizedError otherwise (fail closed)."""
    key = key_from_headers(headers)
    if key is None:
        raise UnauthorizedError("An API key is required: send X-API-Key or Authorization: Bearer")
    tenant = keys.tenant_for(key)
    if tenant is None:
        raise UnauthorizedError("Invalid API key")
    return tenant, key


class RateLimiter:
    """A token bucket per key: `per_minute` requests, refilled continuously.

    Per process: with several instances each enforces the limit on its own share.
    """

    def __init__(self, per_minute: int, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_minute = per_minute
        self.clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def check(self, key: str) -> None:
        if self.per_minute <= 0:
            return
        rate = self.per_minute / 60.0
        now = self.clock()
        with self._lock:
            tokens, last = self._buckets.get(key, (float(self.per_minute), now))
            tokens = min(float(self.per_minute), tokens + (now - last) * rate)
            if tokens < 1.0:
                self._buckets[key] = (tokens, now)
                retry_after = max(1, math.ceil((1.0 - tokens) / rate))
                raise RateLimitedError(
                    "Too many requests",
                    details={"limitPerMinute": self.per_minute},
                    headers={"Retry-After": str(retry_after)},
                )
            self._buckets[key] = (tokens - 1.0, now)
