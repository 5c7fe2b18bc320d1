"""Failed authentications, limited per client address and per key id (brute force).

Every wrong key costs the caller's address, and the key id it names (`mtb_<keyid>_...`, also
when what follows is malformed), one token of a bucket holding `per_minute` tokens and
refilled continuously. Keys of another shape (a DEV_API_KEY a person chose, sent as
X-API-Key or Bearer alike) name no key id: theirs is a hash of the whole key, so a guess can
aim at no particular key and each guess would name a new id; the address limit covers them.
While either bucket is empty, requests from that address or for that key id answer 429 with
Retry-After before any key is checked, right or wrong. Per process, like the request rate
limit: each instance counts what it sees. Requests without a key are not guesses and cost
nothing.

The client address is the last `X-Forwarded-For` hop: the one the platform's front end
appended (a client can forge the earlier ones, not the last); without the header (devhost)
every caller counts as one address.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Mapping

from shared.errors import RateLimitedError
from shared.keys import named_key_id

__all__ = ["FailedAuthLimiter", "client_address"]

_MAX_BUCKETS = 10_000
"""Buckets kept before full ones are forgotten: rotating addresses cannot grow memory."""


def client_address(headers: Mapping[str, str]) -> str:
    forwarded = next((v for k, v in headers.items() if k.lower() == "x-forwarded-for"), "")
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    return hops[-1] if hops else "local"


class FailedAuthLimiter:
    def __init__(self, per_minute: int, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_minute = per_minute
        self.clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def _subjects(self, address: str, key: str | None) -> list[str]:
        subjects = [f"addr:{address}"]
        key_id = named_key_id(key) if key else None
        if key_id:
            subjects.append(f"key:{key_id}")
        return subjects

    def _tokens(self, subject: str, now: float) -> float:
        tokens, last = self._buckets.get(subject, (float(self.per_minute), now))
        return min(float(self.per_minute), tokens + (now - last) * self.per_minute / 60.0)

    def check(self, address: str, key: str | None) -> None:
        """429 while the address or the key id has used up its failures."""
        if self.per_minute <= 0:
            return
        now = self.clock()
        with self._lock:
            lowest = min(self._tokens(s, now) for s in self._subjects(address, key))
        if lowest < 1.0:
            retry_after = max(1, math.ceil((1.0 - lowest) * 60.0 / self.per_minute))
            raise RateLimitedError(
                "Too many failed authentications; wait before trying again",
                details={"failuresPerMinute": self.per_minute},
                headers={"Retry-After": str(retry_after)},
                code="auth_rate_limited",
            )

    def failed(self, address: str, key: str) -> None:
        """Count one wrong key against the address and the key id it names."""
        if self.per_minute <= 0:
            return
        now = self.clock()
        with self._lock:
            if len(self._buckets) > _MAX_BUCKETS:
                self._forget_full(now)
            for subject in self._subjects(address, key):
                self._buckets[subject] = (max(0.0, self._tokens(subject, now) - 1.0), now)

    def _forget_full(self, now: float) -> None:
        full = [s for s in self._buckets if self._tokens(s, now) >= self.per_minute]
        for subject in full:
            del self._buckets[subject]
