"""Fixtures shared by every test package: one in-memory Azurite per test session."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from devhost.azurite import Azurite, start_azurite


@pytest.fixture(scope="session")
def azurite() -> Iterator[Azurite]:
    """A real Azurite (blob, queue, table) on free ports, in memory, for the whole session."""
    try:
        instance = start_azurite()
    except Exception as exc:  # Azurite missing: skip locally, fail in CI
        if os.environ.get("CI"):
            raise
        pytest.skip(f"Azurite unavailable: {exc}")
    yield instance
    instance.stop()


@pytest.fixture(scope="session")
def storage_connection_string(azurite: Azurite) -> str:
    return azurite.connection_string
