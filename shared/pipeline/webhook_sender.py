"""One webhook delivery attempt: sign per Standard Webhooks, POST to a checked address.

The request goes to an address `webhook_targets.resolve` approved (TLS still verifies the
host name through SNI), redirects are never followed, the receiver's answer body is never
read, and proxies from the environment are ignored. The outcome says whether the event was
delivered, whether another attempt may help, and why in plain words.
"""

from __future__ import annotations

import logging
import socket
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

import httpx
from standardwebhooks import Webhook

from shared.pipeline.webhook_targets import RefusedTargetError, Resolver, check_url, resolve

__all__ = ["Outcome", "Sender", "signature_header"]

log = logging.getLogger(__name__)

USER_AGENT = "MagicToolbox-Webhooks/1"
TIMEOUT_SECONDS = 10.0


@dataclass(frozen=True)
class Outcome:
    delivered: bool
    retry: bool
    detail: str
    status_code: int | None = None


def signature_header(
    event_id: str, timestamp: datetime, payload: str, secrets: Sequence[str]
) -> str:
    """`v1,<sig>` per secret, space separated (both while a rotated secret is honoured)."""
    return " ".join(Webhook(s).sign(event_id, timestamp, payload) for s in secrets)


class Sender:
    """Thread-safe; one per process (it keeps a connection pool)."""

    def __init__(
        self,
        *,
        allow_private: bool,
        timeout: float = TIMEOUT_SECONDS,
        resolver: Resolver = socket.getaddrinfo,
    ) -> None:
        self.allow_private = allow_private
        self.resolver = resolver
        self._client = httpx.Client(
            timeout=httpx.Timeout(timeout), follow_redirects=False, trust_env=False
        )

    def close(self) -> None:
        self._client.close()

    def send(self, url: str, body: bytes, headers: Mapping[str, str]) -> Outcome:
        try:
            target = check_url(url, allow_private=self.allow_private)
            addresses = resolve(target, allow_private=self.allow_private, resolver=self.resolver)
        except RefusedTargetError as exc:
            return Outcome(False, False, f"refused: {exc}")
        original = httpx.URL(target.url)
        request_headers = {
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            **headers,
            "Host": original.netloc.decode("ascii"),
        }
        extensions = {"sni_hostname": target.host} if target.scheme == "https" else {}
        last_error = "no address answered"
        for address in addresses:
            pinned = original.copy_with(host=str(address))
            try:
                with self._client.stream(
                    "POST", pinned, content=body, headers=request_headers, extensions=extensions
                ) as response:
                    return _outcome(response.status_code)
            except httpx.ConnectError as exc:
                last_error = f"could not connect ({type(exc).__name__})"
                continue  # the next address of the same host
            except httpx.HTTPError as exc:
                return Outcome(False, True, f"request failed ({type(exc).__name__})")
        return Outcome(False, True, last_error)


def _outcome(status: int) -> Outcome:
    if 200 <= status < 300:
        return Outcome(True, False, f"HTTP {status}", status)
    if status == 410:
        return Outcome(False, False, "the receiver answered 410 Gone; not retried", status)
    if 300 <= status < 400:
        return Outcome(False, True, f"HTTP {status} (redirects are not followed)", status)
    return Outcome(False, True, f"HTTP {status}", status)
