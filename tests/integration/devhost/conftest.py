"""devhost's own integration tests: sample apps in apps/, the session Azurite, run_devhost."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from azure.storage.blob import BlobServiceClient, ContainerClient

APPS = Path(__file__).resolve().parent / "apps"


def host_env(connection_string: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DEV_API_KEY",)}
    env |= {
        "AzureWebJobsStorage": connection_string,
        "DEVHOST_BLOB_POLL_SECONDS": "0.5",
        "DEVHOST_QUEUE_VISIBILITY_HOLD": "2",
    }
    env.pop("DEVHOST_STARTUP_COMMAND", None)
    return env | extra


@pytest.fixture(scope="session")
def results(storage_connection_string: str) -> ContainerClient:
    service = BlobServiceClient.from_connection_string(storage_connection_string)
    container = service.get_container_client("results")
    if not container.exists():
        container.create_container()
    return container


def read_results(results: ContainerClient, prefix: str) -> dict[str, dict[str, Any]]:
    return {
        b.name: json.loads(results.download_blob(b.name).readall())
        for b in results.list_blobs(name_starts_with=prefix)
    }


def wait_for(check: Callable[[], Any], *, timeout: float = 30.0, what: str = "condition") -> Any:
    """Poll until check() is truthy (returns it); fails with `what` after timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture(scope="package")
def basic_host(
    storage_connection_string: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Any]:
    """The basic app on 2 workers, no DEV_API_KEY given, a start-up hook that records its env."""
    from devhost.testing import run_devhost

    marker = tmp_path_factory.mktemp("hook") / "hook.json"
    hook = (
        'python -c "import json, os, sys; '
        f"json.dump({{k: os.environ.get(k) for k in ('AzureWebJobsStorage', 'DEV_API_KEY')}}, "
        f"open(sys.argv[1], 'w'))\" {marker}"
    )
    env = host_env(storage_connection_string, DEVHOST_STARTUP_COMMAND=hook)
    with run_devhost(APPS / "basic", env=env, workers=2) as host:
        host.hook_marker = marker
        yield host
