"""What the browser tests share: sample files, opening a tool, filling a field, axe."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from tests.e2e.conftest import REPO_ROOT

JOB_TIMEOUT = 60_000
AXE = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"


def jpeg(path: Path, size: tuple[int, int] = (120, 80)) -> Path:
    Image.new("RGB", size, (20, 120, 220)).save(path, "JPEG")
    return path


def pdf(path: Path, text: str) -> Path:
    pymupdf = pytest.importorskip("pymupdf")
    document = pymupdf.open()
    document.new_page().insert_text((72, 72), text)
    document.save(path)
    return path


def wait_until(page: Any, script: str, *, timeout_ms: int = JOB_TIMEOUT) -> None:
    """Wait until `script` (an expression or a function) is truthy in the page.

    Not `page.wait_for_function`: when its first check fails, Playwright polls by compiling
    the predicate inside the page, which the site's Content-Security-Policy (no
    'unsafe-eval') refuses. `page.evaluate` runs through the DevTools protocol instead.
    """
    deadline = time.monotonic() + timeout_ms / 1000
    while not page.evaluate(script):
        if time.monotonic() > deadline:
            raise AssertionError(f"still false after {timeout_ms} ms: {script}")
        page.wait_for_timeout(100)


def open_tool(page: Any, name: str) -> None:
    page.goto(f"/#/tools/{name}")
    page.locator("h1").wait_for()


def start(page: Any) -> None:
    page.get_by_role("button", name="Start").click()


def set_field(page: Any, name: str, value: str) -> None:
    """Fill a generated form field, whether the schema makes it a text box or a list."""
    field = page.locator(f"[name={name}]")
    if field.evaluate("(el) => el.tagName") == "SELECT":
        field.select_option(value)
    else:
        field.fill(value)


AXE_RUN = """async () => {
  const result = await axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21aa']})
  return result.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    nodes: v.nodes.slice(0, 5).map((n) => `${n.target.join(' ')}: ${n.any[0]?.message ?? ''}`),
  }))
}"""


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """Serious or critical WCAG 2.1 A/AA findings on the current page."""
    # Evaluated through the browser's debugging protocol: the site's CSP (script-src 'self')
    # refuses an injected <script> tag, as it should.
    page.evaluate(AXE.read_text())
    return [v for v in page.evaluate(AXE_RUN) if v["impact"] in ("serious", "critical")]
