"""One devhost for the pipeline tests (started once for this package), on the session
Azurite; each test uses its own tenant and key so tests never see each other's jobs."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from shared.context import Services
from shared.settings import Settings
from tests.support import product_devhost_env

REPO_ROOT = Path(__file__).resolve().parents[3]
POLL_SECONDS = 0.3
JOB_DEADLINE = 90.0


TEST_APP = Path(__file__).resolve().parent / "app"


class Hosts:
    """One devhost at a time for this package: the product app, or the test app (the
    product's blueprints plus test-only tools). Both poll the same queues, so they must
    not run together: asking for the other app stops the running one."""

    def __init__(self, connection_string: str) -> None:
        self.connection_string = connection_string
        self._context: Any = None
        self._app: Path | None = None
        self._host: Any = None

    def get(self, app_dir: Path) -> Any:
        if self._app != app_dir:
            self.close()
            testing = pytest.importorskip("devhost.testing")
            env = product_devhost_env(self.connection_string)
            self._context = testing.run_devhost(app_dir, env=env, workers=2)
            self._host = self._context.__enter__()
            self._app = app_dir
        return self._host

    def close(self) -> None:
        if self._context is not None:
            context, self._context, self._app = self._context, None, None
            context.__exit__(None, None, None)


@pytest.fixture(scope="package")
def hosts(storage_connection_string: str) -> Iterator[Hosts]:
    manager = Hosts(storage_connection_string)
    yield manager
    manager.close()


@pytest.fixture
def devhost(hosts: Hosts) -> Any:
    """devhost running the product's function_app.py (the repository root)."""
    return hosts.get(REPO_ROOT)


@pytest.fixture
def test_app_host(hosts: Hosts) -> Any:
    """devhost running tests/integration/pipeline/app (test-only tools added)."""
    return hosts.get(TEST_APP)


@pytest.fixture(scope="package")
def services(storage_connection_string: str) -> Services:
    """Direct storage access for what the API cannot show (blobs, queues, keys)."""
    return Services(Settings(storage_connection_string=storage_connection_string))


class Client:
    """An httpx client for one tenant, with the polling the tests need."""

    def __init__(self, base_url: str, key: str, tenant: str) -> None:
        self.tenant = tenant
        self.key = key
        self.http = httpx.Client(
            base_url=f"{base_url}/api", headers={"X-API-Key": key}, timeout=60.0
        )

    def wait(
        self, execution_id: str, *, until: tuple[str, ...] = ("completed", "failed", "expired")
    ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """Poll the status until it is one of `until`; returns it and every answer seen."""
        seen: list[dict[str, Any]] = []
        deadline = time.monotonic() + JOB_DEADLINE
        while time.monotonic() < deadline:
            answer = self.http.get(f"/v1/executions/{execution_id}/status/")
            assert answer.status_code == 200, answer.text
            seen.append(answer.json())
            if seen[-1]["status"] in until:
                return seen[-1], seen
            time.sleep(POLL_SECONDS)
        raise AssertionError(
            f"job {execution_id} still {seen[-1]['status']} after {JOB_DEADLINE} s"
        )


def _client(host: Any, services: Services) -> Iterator[Client]:
    tenant = f"it{uuid.uuid4().hex[:10]}"
    key, _ = services.keys.create(tenant)
    instance = Client(host.base_url, key, tenant)
    yield instance
    instance.http.close()


@pytest.fixture
def client(devhost: Any, services: Services) -> Iterator[Client]:
    """A fresh tenant on the product app."""
    yield from _client(devhost, services)


@pytest.fixture
def test_client(test_app_host: Any, services: Services) -> Iterator[Client]:
    """A fresh tenant on the test app."""
    yield from _client(test_app_host, services)
