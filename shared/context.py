"""The services one process shares: storage, job and key stores, SAS issuer, rate limiter.

Built lazily on first use (`get_services()`), never at import: the Functions host indexes
the app before settings may be complete. Tests build `Services(Settings(...))` directly.
"""

from __future__ import annotations

import threading
from functools import cached_property

from shared.auth import RateLimiter
from shared.clock import Clock, utcnow
from shared.jobs import JobStore
from shared.keys import KeyStore
from shared.sas import SasIssuer
from shared.settings import Settings, get_settings
from shared.storage import Storage

__all__ = ["Services", "get_services", "set_services"]


class Services:
    def __init__(self, settings: Settings, *, clock: Clock = utcnow) -> None:
        self.settings = settings
        self.clock = clock
        self.storage = Storage(settings)

    @cached_property
    def jobs(self) -> JobStore:
        return JobStore(self.storage.jobs_table)

    @cached_property
    def keys(self) -> KeyStore:
        return KeyStore(self.storage.apikeys_table)

    @cached_property
    def sas(self) -> SasIssuer:
        return SasIssuer(self.storage, clock=self.clock)

    @cached_property
    def rate_limiter(self) -> RateLimiter:
        return RateLimiter(self.settings.rate_limit_per_minute)


_services: Services | None = None
_lock = threading.Lock()


def get_services() -> Services:
    global _services
    with _lock:
        if _services is None:
            _services = Services(get_settings())
        return _services


def set_services(services: Services | None) -> None:
    global _services
    with _lock:
        _services = services
