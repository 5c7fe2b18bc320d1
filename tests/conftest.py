"""Fixtures shared by every test package: one in-memory Azurite per test session."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from devhost.azurite import Azurite, start_azurite
from tests.support import started_or_skip


@pytest.fixture(scope="session")
def azurite() -> Iterator[Azurite]:
    """A real Azurite (blob, queue, table) on free ports, in memory, for the whole session."""
    instance = started_or_skip(start_azurite)
    yield instance
    instance.stop()


@pytest.fixture(scope="session")
def storage_connection_string(azurite: Azurite) -> str:
    return azurite.connection_string
