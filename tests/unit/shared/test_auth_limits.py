"""Wrong keys are limited per client address and per key id: 429 with Retry-After."""

from __future__ import annotations

import json

import pytest

from shared.api import executions as api_executions
from shared.api.http import ApiRequest, handle
from shared.auth_limits import FailedAuthLimiter, client_address
from shared.context import Services
from shared.errors import RateLimitedError


class Ticks:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _history(services: Services, key: str, address: str) -> tuple[int, dict[str, str], str]:
    request = ApiRequest(
        method="GET",
        url="http://h/api/v1/executions/",
        headers={"X-API-Key": key, "X-Forwarded-For": f"10.9.9.9, {address}"},
    )
    answer = handle(services, request, api_executions.history)
    return answer.status, dict(answer.headers), json.loads(answer.body).get("code", "")


def test_wrong_keys_from_one_address_get_429_then_recover(services: Services, key: str) -> None:
    ticks = Ticks()
    services.auth_failures = FailedAuthLimiter(5, clock=ticks)  # type: ignore[misc]
    for n in range(5):
        assert _history(services, f"wrong-{n}", "203.0.113.7")[0] == 401
    status, headers, code = _history(services, "wrong-x", "203.0.113.7")
    assert status == 429 and code == "auth_rate_limited" and int(headers["Retry-After"]) >= 1
    # Blocked before any key is checked, the right one too: guessing gains nothing.
    assert _history(services, key, "203.0.113.7")[0] == 429
    assert _history(services, key, "198.51.100.1")[0] == 200  # another address is not
    ticks.now += 13  # one failure's worth refilled (5 per minute)
    assert _history(services, key, "203.0.113.7")[0] == 200


def test_guessing_one_key_ids_secret_is_limited_across_addresses(services: Services) -> None:
    ticks = Ticks()
    services.auth_failures = FailedAuthLimiter(3, clock=ticks)  # type: ignore[misc]
    guesses = [f"mtb_abcdefabcdef_{'x' * 20}{n}" for n in range(4)]
    for n, guess in enumerate(guesses[:3]):
        assert _history(services, guess, f"192.0.2.{n}")[0] == 401
    assert _history(services, guesses[3], "192.0.2.99")[0] == 429


def test_the_limit_is_separate_from_the_request_rate_limit(make_settings) -> None:
    settings = make_settings(rate_limit_per_minute=0)
    assert settings.auth_failures_per_minute == 30
    limiter = FailedAuthLimiter(0)
    for _ in range(100):
        limiter.failed("a", "k")
    limiter.check("a", "k")  # 0 disables


def test_client_address_is_the_hop_the_platform_appended() -> None:
    assert client_address({"X-Forwarded-For": "1.1.1.1, 2.2.2.2"}) == "2.2.2.2"
    assert client_address({}) == "local"


def test_rotating_addresses_cannot_grow_memory_without_bound() -> None:
    ticks = Ticks()
    limiter = FailedAuthLimiter(2, clock=ticks)
    for n in range(30_000):
        limiter.failed(f"a{n}", "k")
        ticks.now += 60  # each address is full again a minute later
    assert len(limiter._buckets) <= 10_001
    with pytest.raises(RateLimitedError):
        limiter.failed("z", "k")
        limiter.failed("z", "k")
        limiter.check("z", "k")


@pytest.mark.parametrize(
    "guess",
    [
        "mtb_habcdef12345_" + "x" * 24,  # an id starting with h, as `--key` may create
        "mtb_abcdefabcdef_short",  # a malformed secret still names the id
        "mtb_abcdefabcdef_" + "x" * 300,  # longer than any key: never looked up
    ],
)
def test_every_guess_that_names_a_key_id_counts_against_it(guess: str) -> None:
    limiter = FailedAuthLimiter(2, clock=Ticks())
    key_id = guess[4:16]
    limiter.failed("a1", guess)
    limiter.failed("a2", guess)
    with pytest.raises(RateLimitedError):
        limiter.check("a3", f"mtb_{key_id}_{'y' * 24}")


def test_keys_of_another_shape_are_limited_per_address_only(services: Services) -> None:
    """A chosen key names no key id (its stored id hashes the whole key): each guess would be
    its own id, so only the address counts, for X-API-Key and Bearer alike."""
    ticks = Ticks()
    services.auth_failures = FailedAuthLimiter(2, clock=ticks)  # type: ignore[misc]
    assert _history(services, "my-own-dev-key-1", "192.0.2.1")[0] == 401
    assert _history(services, "my-own-dev-key-2", "192.0.2.2")[0] == 401
    assert _history(services, "my-own-dev-key-3", "192.0.2.3")[0] == 401  # new address: no 429
    request = ApiRequest(
        method="GET",
        url="http://h/api/v1/executions/",
        headers={"Authorization": "Bearer my-own-dev-key-4", "X-Forwarded-For": "192.0.2.3"},
    )
    assert handle(services, request, api_executions.history).status == 401
    assert _history(services, "my-own-dev-key-5", "192.0.2.3")[0] == 429  # that address: yes
