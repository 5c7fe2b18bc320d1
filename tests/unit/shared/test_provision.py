"""Provisioning on a fresh Azurite: everything created once, then nothing to do."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from devhost.azurite import Azurite, start_azurite
from processors.registry import categories
from shared.keys import KeyStore
from shared.provision import provision
from shared.settings import Settings
from shared.storage import Storage


@pytest.fixture
def fresh() -> Iterator[Azurite]:
    instance = start_azurite()
    yield instance
    instance.stop()


def test_creates_everything_once_and_is_idempotent(fresh: Azurite) -> None:
    settings = Settings(
        storage_connection_string=fresh.connection_string,
        dev_api_key="my-dev-key",
        site_origins="http://localhost:7071",
    )
    storage = Storage(settings)
    lines: list[str] = []
    provision(storage, say=lines.append)
    for category in categories():
        assert f"created container {category}-uploads" in lines
        assert f"created container {category}-processed" in lines
        assert f"created queue {category}-jobs" in lines
        assert f"created queue {category}-jobs-poison" in lines
    assert "created table jobs" in lines and "created table apikeys" in lines
    assert "created API key for tenant dev" in lines
    cors = storage.blob_service.get_service_properties()["cors"]
    assert cors[0].allowed_origins == "http://localhost:7071"
    assert "PUT" in cors[0].allowed_methods
    assert KeyStore(storage.apikeys_table).tenant_for("my-dev-key") == "dev"

    again: list[str] = []
    provision(storage, say=again.append)
    assert again == []
