"""Browser tests: Debian's Chromium driven by Playwright against devhost + the session Azurite.

Skipped when /usr/bin/chromium is missing, unless CI is set (then they fail). devhost is
package-scoped: it polls every queue, so it stops before another package's devhost starts.
"""

from __future__ import annotations

import os
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support import product_devhost_env

REPO_ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = REPO_ROOT / "test-artifacts"
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


def _need(condition: bool, reason: str) -> None:
    if not condition:
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)


@pytest.fixture(scope="package")
def site_built() -> Path:
    dist = REPO_ROOT / "static_site" / "dist"
    if not (dist / "index.html").exists():  # `make test` builds it; a bare pytest run may not
        subprocess.run(["npm", "run", "build"], cwd=REPO_ROOT, check=True, capture_output=True)
    return dist


@pytest.fixture(scope="package")
def site(storage_connection_string: str, site_built: Path) -> Iterator[Any]:
    testing = pytest.importorskip("devhost.testing")
    env = product_devhost_env(storage_connection_string)
    with testing.run_devhost(REPO_ROOT, env=env, workers=2) as host:
        yield host


@pytest.fixture(scope="package")
def api_key(site: Any, storage_connection_string: str) -> str:
    """A key for a tenant of its own: the history shows only this package's jobs."""
    from shared.context import Services
    from shared.settings import Settings

    services = Services(Settings(storage_connection_string=storage_connection_string))
    key, _ = services.keys.create(f"e2e{uuid.uuid4().hex[:10]}")
    return key


@pytest.fixture(scope="package")
def browser() -> Iterator[Any]:
    _need(CHROMIUM.exists(), f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
            ],
        )
        yield instance
        instance.close()


@pytest.fixture
def page(browser: Any, site: Any) -> Iterator[Any]:
    context = browser.new_context(viewport=DESKTOP, accept_downloads=True, base_url=site.base_url)
    context.set_default_timeout(20_000)
    tab = context.new_page()
    yield tab
    context.close()


def sign_in(page: Any, key: str) -> None:
    page.goto("/")
    page.get_by_label("API key").fill(key)
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("heading", name="Tools", level=1, exact=True).wait_for()


@pytest.fixture
def signed_in(page: Any, api_key: str) -> Any:
    sign_in(page, api_key)
    return page
