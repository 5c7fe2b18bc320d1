"""The hostile campaign runs the product app on devhost over the session Azurite, with a
local HTTP listener that every case may point at and none may reach."""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

from shared.context import Services
from shared.settings import Settings
from tests.support import product_devhost_env

REPO_ROOT = Path(__file__).resolve().parents[2]

FULL = os.environ.get("HOSTILE_FULL") == "1"
"""`make reliability` runs every case; `make test` the representative subset (ci=True)."""


class Listener:
    """A local HTTP server that records every request it gets (nothing should reach it)."""

    def __init__(self) -> None:
        self.hits: list[str] = []
        hits = self.hits

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                hits.append(self.path)
                self.send_response(200)
                self.end_headers()
                self.wfile.write(b"<!ENTITY x 'pwned'>")

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="package")
def listener() -> Iterator[Listener]:
    instance = Listener()
    # The listener must be able to tell: one request of our own is recorded, then forgotten.
    assert httpx.get(f"{instance.url}/probe", timeout=10).status_code == 200
    assert instance.hits == ["/probe"], instance.hits
    instance.hits.clear()
    yield instance
    instance.close()


@pytest.fixture(scope="package")
def devhost(storage_connection_string: str) -> Iterator[Any]:
    testing = pytest.importorskip("devhost.testing")
    env = product_devhost_env(storage_connection_string)
    with testing.run_devhost(REPO_ROOT, env=env, workers=2) as host:
        yield host


@pytest.fixture(scope="package")
def services(storage_connection_string: str) -> Services:
    return Services(Settings(storage_connection_string=storage_connection_string))


@pytest.fixture(scope="package")
def api(devhost: Any, services: Services) -> Iterator[httpx.Client]:
    key, _ = services.keys.create(f"hostile{uuid.uuid4().hex[:8]}")
    with httpx.Client(
        base_url=f"{devhost.base_url}/api", headers={"X-API-Key": key}, timeout=120.0
    ) as client:
        yield client
