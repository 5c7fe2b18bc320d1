"""The services one process shares: storage, job, key and webhook-secret stores, SAS issuer,
download link signer, rate limiter.

Built lazily on first use (`get_services()`), never at import: the Functions host indexes
the app before settings may be complete. Tests build `Services(Settings(...))` directly.
"""

from __future__ import annotations

import hashlib
import threading
from datetime import timedelta
from functools import cached_property

from shared.auth import RateLimiter
from shared.auth_limits import FailedAuthLimiter
from shared.clock import Clock, utcnow
from shared.jobs import JobStore
from shared.keys import KeyStore
from shared.links import LinkSigner
from shared.naming import WEBHOOK_SECRETS_TABLE
from shared.sas import SasIssuer
from shared.settings import Settings, SettingsError, get_settings
from shared.storage import Storage
from shared.webhook_secrets import WebhookSecretStore

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
    def webhook_secrets(self) -> WebhookSecretStore:
        return WebhookSecretStore(
            self.storage.table_service.get_table_client(WEBHOOK_SECRETS_TABLE)
        )

    @cached_property
    def links(self) -> LinkSigner:
        secrets = self.settings.link_secrets
        if not secrets:
            if self.settings.uses_identity:
                raise SettingsError("missing setting: DOWNLOAD_LINK_SECRETS")
            # Azurite or an account key: every process derives the same secret from the key.
            account_key = str(self.storage.blob_service.credential.account_key)
            secrets = [hashlib.sha256(f"download-links:{account_key}".encode()).hexdigest()]
        return LinkSigner(secrets, lifetime=timedelta(minutes=self.settings.download_link_minutes))

    @cached_property
    def rate_limiter(self) -> RateLimiter:
        return RateLimiter(self.settings.rate_limit_per_minute)

    @cached_property
    def auth_failures(self) -> FailedAuthLimiter:
        return FailedAuthLimiter(self.settings.auth_failures_per_minute)


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
