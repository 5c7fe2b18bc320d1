"""Which URLs may receive webhooks: https to public addresses, checked again after DNS."""

from __future__ import annotations

import socket
from typing import Any

import pytest

from shared.pipeline.webhook_targets import RefusedTargetError, check_url, resolve


def resolver_to(*addresses: str) -> Any:
    def resolve_name(host: str, port: int, **_: Any) -> list[tuple[Any, ...]]:
        family = socket.AF_INET6 if ":" in addresses[0] else socket.AF_INET
        return [(family, socket.SOCK_STREAM, 6, "", (a, port)) for a in addresses]

    return resolve_name


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("http://hooks.example.com/x", "https"),
        ("ftp://hooks.example.com/x", "https"),
        ("https://user:pw@hooks.example.com/x", "user name"),
        ("https:///nohost", "no host"),
        ("https://127.0.0.1/x", "loopback"),
        ("https://[::1]/x", "loopback"),
        ("https://10.1.2.3/x", "private"),
        ("https://192.168.0.10/x", "private"),
        ("https://172.16.5.4/x", "private"),
        ("https://169.254.169.254/latest/meta-data", "link-local"),
        ("https://168.63.129.16/", "platform"),
        ("https://[::ffff:10.0.0.1]/", "private"),
        ("https://100.64.0.1/", "not a public"),
        ("https://0.0.0.0/", "private"),
        ("https://224.0.0.1/", "not a unicast"),
        ("https://localhost:8443/x", "local name"),
        ("https://metadata.google.internal/", "local name"),
        ("https://hooks.example.com:99999/", "not a valid URL"),
    ],
)
def test_refused_before_dns(url: str, why: str) -> None:
    with pytest.raises(RefusedTargetError, match=why):
        check_url(url, allow_private=False)


def test_public_https_url_is_accepted() -> None:
    target = check_url("https://Hooks.Example.com/in?x=1", allow_private=False)
    assert (target.host, target.port, target.scheme) == ("hooks.example.com", 443, "https")


def test_allow_private_accepts_local_http_receivers() -> None:
    target = check_url("http://127.0.0.1:8080/hook", allow_private=True)
    assert (target.host, target.port) == ("127.0.0.1", 8080)


@pytest.mark.parametrize(
    "address", ["10.0.0.7", "127.0.0.1", "169.254.169.254", "fd00:ec2::254", "fe80::1"]
)
def test_names_resolving_to_private_addresses_are_refused(address: str) -> None:
    target = check_url("https://hooks.example.com/x", allow_private=False)
    with pytest.raises(RefusedTargetError, match="resolves to"):
        resolve(target, allow_private=False, resolver=resolver_to(address))


def test_one_private_address_among_public_ones_is_enough_to_refuse() -> None:
    target = check_url("https://hooks.example.com/x", allow_private=False)
    with pytest.raises(RefusedTargetError):
        resolve(target, allow_private=False, resolver=resolver_to("93.184.216.34", "10.0.0.1"))


def test_public_addresses_are_returned_for_pinning() -> None:
    target = check_url("https://hooks.example.com/x", allow_private=False)
    found = resolve(target, allow_private=False, resolver=resolver_to("93.184.216.34"))
    assert [str(a) for a in found] == ["93.184.216.34"]


def test_a_name_that_does_not_resolve_is_refused() -> None:
    def fail(*_: Any, **__: Any) -> Any:
        raise socket.gaierror("no such name")

    target = check_url("https://nowhere.example.com/x", allow_private=False)
    with pytest.raises(RefusedTargetError, match="does not resolve"):
        resolve(target, allow_private=False, resolver=fail)
