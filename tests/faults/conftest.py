"""Fault tests get an Azurite of their own that keeps its data on disk (it is stopped and
started again mid-run) and one devhost with the product app on it, for the package."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from shared.context import Services
from tests.faults.rig import PersistentAzurite, product_devhost, services_for
from tests.support import started_or_skip

FULL = os.environ.get("FAULTS_FULL") == "1"
"""`make reliability` runs the full campaigns (200 jobs); `make test` a small one."""


@pytest.fixture(scope="package")
def storage(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PersistentAzurite]:
    location = tmp_path_factory.mktemp("azurite-data")
    instance = started_or_skip(lambda: PersistentAzurite(location))
    yield instance
    instance.close()


@pytest.fixture(scope="package")
def devhost(storage: PersistentAzurite) -> Iterator[Any]:
    with product_devhost(storage.connection_string) as host:
        yield host


@pytest.fixture(scope="package")
def services(storage: PersistentAzurite) -> Services:
    return services_for(storage.connection_string)


def record(kind: str, **fields: Any) -> None:
    """`make reliability` collects each campaign's outcome for RELIABILITY.md."""
    import json

    target = os.environ.get("FAULTS_REPORT")
    if target:
        with Path(target).open("a", encoding="utf-8") as sink:
            sink.write(json.dumps({"campaign": kind, **fields}) + "\n")
