"""Signed download links: a plain URL that works without the API key, for a short while.

`downloadUrl` carries `tenant`, `expires` (Unix seconds) and `signature`, an HMAC-SHA256
over execution id, tenant and expiry. The first secret of DOWNLOAD_LINK_SECRETS signs;
every secret in the list is accepted, so rotation needs no downtime: add the new secret
at the end, then move it first, then drop the old one after DOWNLOAD_LINK_MINUTES.
Without the setting (Azurite), the secret is derived from the storage account key.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlencode

__all__ = ["LinkSigner", "SignedLink"]

_PARAMS = ("tenant", "expires", "signature")
_ROUND_SECONDS = 300
"""Expiries are rounded up to this: the same link (and status answer, and its ETag) for a
job over 5 minutes, instead of a new one every second."""


@dataclass(frozen=True)
class SignedLink:
    execution_id: str
    tenant: str
    expires: int


def _b64(digest: bytes) -> str:
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


class LinkSigner:
    def __init__(self, secrets: Sequence[str], *, lifetime: timedelta) -> None:
        if not secrets or not all(secrets):
            raise ValueError("at least one non-empty secret is needed to sign links")
        self._keys = [s.encode() for s in secrets]
        self.lifetime = lifetime

    def _sign(self, key: bytes, execution_id: str, tenant: str, expires: int) -> str:
        message = f"download\n{execution_id}\n{tenant}\n{expires}".encode()
        return _b64(hmac.new(key, message, hashlib.sha256).digest())

    def query(self, execution_id: str, tenant: str, *, now: datetime) -> str:
        """The query string (without `?`) that makes a download URL a signed link."""
        expires = -(-int((now + self.lifetime).timestamp()) // _ROUND_SECONDS) * _ROUND_SECONDS
        signature = self._sign(self._keys[0], execution_id, tenant, expires)
        return urlencode({"tenant": tenant, "expires": expires, "signature": signature})

    @staticmethod
    def is_signed(params: Mapping[str, str]) -> bool:
        return any(name in params for name in _PARAMS)

    def verify(
        self, execution_id: str, params: Mapping[str, str], *, now: datetime
    ) -> SignedLink | None:
        """The link's claims when the signature is right and the link has not expired."""
        tenant, signature = params.get("tenant", ""), params.get("signature", "")
        try:
            expires = int(params.get("expires", ""))
        except ValueError:
            return None
        if not tenant or not signature or expires <= now.timestamp():
            return None
        for key in self._keys:
            expected = self._sign(key, execution_id, tenant, expires)
            if hmac.compare_digest(expected, signature):
                return SignedLink(execution_id, tenant, expires)
        return None
