"""Fixtures for shared/: services on the session Azurite, provisioned once, a fresh tenant."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import pytest

from devhost.azurite import Azurite, start_azurite
from shared.context import Services
from shared.provision import provision
from shared.settings import Settings
from tests.support import started_or_skip


class Clock:
    """A settable clock for the job store and the cleanup sweep."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture(scope="package")
def own_azurite() -> Iterator[Azurite]:
    """An Azurite of our own: a devhost left running by another package's tests must not
    ingest or process the jobs these tests drive by hand."""
    instance = started_or_skip(start_azurite)
    yield instance
    instance.stop()


@pytest.fixture(scope="package")
def storage_connection_string(own_azurite: Azurite) -> str:
    return own_azurite.connection_string


@pytest.fixture(scope="package")
def settings(storage_connection_string: str) -> Settings:
    return Settings(storage_connection_string=storage_connection_string)


@pytest.fixture(scope="package")
def provisioned(settings: Settings) -> Settings:
    provision(Services(settings).storage, say=lambda line: None)
    return settings


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def services(provisioned: Settings, clock: Clock) -> Services:
    return Services(provisioned, clock=clock)


@pytest.fixture
def tenant() -> str:
    return f"t{uuid.uuid4().hex[:12]}"


@pytest.fixture
def key(services: Services, tenant: str) -> str:
    """An API key of `tenant`."""
    return services.keys.create(tenant)[0]


@pytest.fixture
def make_settings(storage_connection_string: str) -> Callable[..., Settings]:
    def make(**overrides: object) -> Settings:
        return Settings(storage_connection_string=storage_connection_string, **overrides)  # type: ignore[arg-type]

    return make


@pytest.fixture
def fake_tools() -> Iterator[None]:
    from processors import registry
    from tests.unit.shared import fake_tools as module

    for cls in module.CLASSES:
        registry.register(cls)
    yield
    for name in module.NAMES:
        registry._tools.pop(name, None)
