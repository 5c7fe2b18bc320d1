"""Where a webhook may go: https to public addresses only, checked again after DNS.

`check_url` is the cheap check done when a job is submitted (scheme, no credentials in the
URL, no literal private address or local name); `resolve` is done before every delivery
attempt and returns the addresses the request must be sent to, so a name that resolves to
a private address (or is rebound to one later) is refused, and the connection goes to the
address that was checked. `allow_private` (setting ALLOW_PRIVATE_WEBHOOKS) lifts both
rules for local receivers.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import SplitResult, urlsplit

__all__ = ["RefusedTargetError", "Target", "check_url", "resolve"]

MAX_URL_LENGTH = 2048
IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[..., Sequence[tuple[Any, ...]]]

# Public-range addresses that still reach the platform, not the internet: Azure's
# WireServer/DNS host. (169.254.169.254, the instance metadata service, is link-local.)
_PLATFORM = frozenset({ipaddress.ip_address("168.63.129.16")})
_LOCAL_NAMES = ("localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback")


class RefusedTargetError(ValueError):
    """The URL may not receive webhooks; the message says why in plain words."""


@dataclass(frozen=True)
class Target:
    url: str
    host: str
    port: int
    scheme: str


def _parse(url: str, *, allow_private: bool) -> SplitResult:
    if len(url) > MAX_URL_LENGTH:
        raise RefusedTargetError(f"the webhook URL is longer than {MAX_URL_LENGTH} characters")
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018 - raises ValueError for a port out of range
    except ValueError:
        raise RefusedTargetError("the webhook URL is not a valid URL") from None
    allowed = ("https", "http") if allow_private else ("https",)
    if parts.scheme not in allowed:
        raise RefusedTargetError("the webhook URL must use https")
    if not parts.hostname:
        raise RefusedTargetError("the webhook URL has no host")
    if parts.username is not None or parts.password is not None:
        raise RefusedTargetError("the webhook URL must not carry a user name or password")
    return parts


def refusal(address: IpAddress) -> str | None:
    """Why an address may not receive webhooks, or None when it is an ordinary public one."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if address.is_loopback:
        return "a loopback address"
    if address.is_link_local:
        return "a link-local address (cloud metadata lives there)"
    if address.is_private or address in _PLATFORM:
        return "a private or platform address"
    if address.is_multicast or address.is_unspecified or address.is_reserved:
        return "not a unicast internet address"
    if not address.is_global:
        return "not a public internet address"
    return None


def check_url(url: str, *, allow_private: bool) -> Target:
    """The URL's target when it may receive webhooks (before DNS); RefusedTargetError otherwise."""
    parts = _parse(url, allow_private=allow_private)
    host = str(parts.hostname).lower().rstrip(".")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    if not allow_private:
        if host in _LOCAL_NAMES or host.endswith((".localhost", ".internal", ".local")):
            raise RefusedTargetError(f"the webhook host {host} is a local name")
        try:
            literal: IpAddress | None = ipaddress.ip_address(host)
        except ValueError:
            literal = None
        reason = refusal(literal) if literal is not None else None
        if reason:
            raise RefusedTargetError(f"the webhook host {host} is {reason}")
    return Target(url=url.strip(), host=host, port=port, scheme=parts.scheme)


def resolve(
    target: Target, *, allow_private: bool, resolver: Resolver = socket.getaddrinfo
) -> list[IpAddress]:
    """Every address the host resolves to; RefusedTargetError if any of them is not public."""
    try:
        infos = resolver(target.host, target.port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise RefusedTargetError(f"the webhook host {target.host} does not resolve") from None
    addresses: list[IpAddress] = []
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise RefusedTargetError(f"the webhook host {target.host} does not resolve")
    if not allow_private:
        for address in addresses:
            reason = refusal(address)
            if reason:
                raise RefusedTargetError(f"the webhook host {target.host} resolves to {reason}")
    return addresses
