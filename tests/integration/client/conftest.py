"""devhost (the product app) on the session Azurite for the CLI tests, and a fresh tenant key.

Package-scoped: a devhost polls every queue, so it must stop before another package's
devhost (with other tools) starts on the same Azurite.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support import product_devhost_env

REPO_ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="package")
def client_devhost(storage_connection_string: str) -> Iterator[Any]:
    testing = pytest.importorskip("devhost.testing")
    env = product_devhost_env(storage_connection_string)
    with testing.run_devhost(REPO_ROOT, env=env, workers=2) as host:
        yield host


@pytest.fixture(scope="package")
def api_key(client_devhost: Any, storage_connection_string: str) -> str:
    """A key for a tenant of its own, so other packages' jobs never show up here."""
    from shared.context import Services
    from shared.settings import Settings

    services = Services(Settings(storage_connection_string=storage_connection_string))
    key, _ = services.keys.create(f"cli{uuid.uuid4().hex[:10]}")
    return key


@pytest.fixture
def cli_env(client_devhost: Any, api_key: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """MAGICTOOLBOX_API_URL / _KEY set as a user would; returns the API URL."""
    url = f"{client_devhost.base_url}/api"
    monkeypatch.setenv("MAGICTOOLBOX_API_URL", url)
    monkeypatch.setenv("MAGICTOOLBOX_API_KEY", api_key)
    return url
