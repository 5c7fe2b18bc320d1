"""Upload progress, reordering files, the global history and job pages, and axe on every view."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from tests.e2e.conftest import ARTIFACTS, DESKTOP, PHONE
from tests.e2e.helpers import JOB_TIMEOUT, axe_violations, jpeg, open_tool, pdf, start, wait_until

pytestmark = pytest.mark.e2e

RECORD_PROGRESS = """() => {
  window.uploadValues = []
  const bar = document.querySelector('#upload-progress')
  new MutationObserver(() => window.uploadValues.push(Number(bar.getAttribute('aria-valuenow'))))
    .observe(bar, {attributes: true, attributeFilter: ['aria-valuenow']})
}"""


def expiring_soon(route: Any) -> None:
    """The API's upload answer with its SAS shown as expiring in 30 s: the page must ask for
    fresh URLs (the real refresh route) before its next block."""
    response = route.fetch()
    body = response.json()
    soon = (datetime.now(UTC) + timedelta(seconds=30)).isoformat()
    for target in body.get("uploads") or [body["upload"]]:
        target["expiresAt"] = soon
    route.fulfill(response=response, json=body)


def test_a_throttled_upload_moves_block_by_block(signed_in: Any, tmp_path: Path) -> None:
    page = signed_in
    page.route("**/api/v1/tools/*/uploads/", expiring_soon)
    refreshes: list[int] = []
    page.on(
        "response",
        lambda r: refreshes.append(r.status) if "/uploads/refresh/" in r.url else None,
    )
    open_tool(page, "image-format-converter")
    noise = tmp_path / "noise.png"  # ~2 MB that no compression shrinks
    Image.effect_noise((820, 820), 100).convert("RGB").save(noise, "PNG", compress_level=0)
    page.locator("#file-input").set_input_files(str(noise))
    page.evaluate(RECORD_PROGRESS)
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    conditions = {"offline": False, "latency": 0, "downloadThroughput": -1}
    cdp.send("Network.emulateNetworkConditions", {**conditions, "uploadThroughput": 1_000_000})
    start(page)
    page.locator("#process-section").wait_for(timeout=JOB_TIMEOUT)
    cdp.send("Network.emulateNetworkConditions", {**conditions, "uploadThroughput": -1})
    values = page.evaluate("window.uploadValues")
    between = sorted({v for v in values if 0 < v < 100})
    assert len(between) >= 3, values
    assert values == sorted(values)  # it only moves forward
    assert values[-1] == 100
    assert refreshes and set(refreshes) == {200}  # fresh SAS URLs, and the upload went on
    page.locator("#download-result").wait_for(timeout=JOB_TIMEOUT)


def test_reorder_files_before_start(signed_in: Any, tmp_path: Path) -> None:
    page = signed_in
    open_tool(page, "pdf-merge")
    parts = [pdf(tmp_path / f"part{n}.pdf", f"text of part {n}") for n in (1, 2, 3)]
    page.locator("#file-input").set_input_files([str(p) for p in parts])
    page.get_by_role("button", name="Move part3.pdf up").click()
    page.get_by_role("button", name="Move part3.pdf up").click()
    assert page.evaluate("document.activeElement.textContent").strip() == "Move part3.pdf down"
    names = page.locator(".file-item").all_inner_texts()
    assert [n.split(" ")[0] for n in names] == ["part3.pdf", "part1.pdf", "part2.pdf"]
    start(page)
    button = page.locator("#download-result")
    button.wait_for(timeout=JOB_TIMEOUT)
    with page.expect_download() as info:
        button.click()
    pymupdf = pytest.importorskip("pymupdf")
    merged = pymupdf.open(Path(info.value.path()))
    assert ["part 3" in merged[0].get_text(), "part 1" in merged[1].get_text()] == [True, True]


def run_image_job(page: Any, path: Path) -> str:
    open_tool(page, "image-format-converter")
    page.locator("#file-input").set_input_files(str(path))
    page.locator("[name=outputFormat]").select_option("png")
    start(page)
    page.locator("#download-result").wait_for(timeout=JOB_TIMEOUT)
    match = re.search(r"/jobs/([\w-]+)$", page.url)
    assert match
    return match.group(1)


def test_global_history_filters_and_job_page(signed_in: Any, tmp_path: Path) -> None:
    page = signed_in
    open_tool(page, "unit-converter")  # a job of another tool, for the filter to leave out
    page.get_by_role("button", name="Run").click()
    page.locator("#download-result").wait_for(timeout=JOB_TIMEOUT)
    execution_id = run_image_job(page, jpeg(tmp_path / "for-history.jpg"))
    page.get_by_role("link", name="History").first.click()
    page.get_by_role("heading", name="History", level=1).wait_for()
    row = page.locator(f'.history-item[data-execution-id="{execution_id}"]')
    row.wait_for()
    assert "format converter" in row.inner_text().lower()

    page.locator("#filter-status").select_option("failed")
    row.wait_for(state="detached")
    page.locator("#filter-status").select_option("")
    page.locator('.history-item[data-tool="unit-converter"]').first.wait_for()
    page.locator("#filter-tool").select_option("image-format-converter")
    wait_until(
        page,
        """() => {
          const rows = [...document.querySelectorAll('.history-item')]
          return rows.length > 0 && rows.every((r) => r.dataset.tool === 'image-format-converter')
        }""",
    )
    row.wait_for()

    row.get_by_role("link", name="for-history.jpg").click()
    page.get_by_role("heading", name="for-history.jpg", level=1).wait_for()
    assert page.url.endswith(f"#/jobs/{execution_id}")
    page.locator('.result-card[data-kind="png"] img').wait_for()
    facts = page.locator(".job-facts").inner_text()
    assert "completed" in facts and "Created" in facts


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_every_view_passes_axe(signed_in: Any, tmp_path: Path, viewport: str) -> None:
    page = signed_in
    size = DESKTOP if viewport == "desktop" else PHONE
    page.set_viewport_size(size)
    ARTIFACTS.mkdir(exist_ok=True)

    def check(name: str) -> None:
        assert axe_violations(page) == [], name
        page.screenshot(path=str(ARTIFACTS / f"{name}-{viewport}.png"), full_page=True)

    page.goto("/#/")
    page.locator(".tool-card").first.wait_for()
    check("catalog")

    open_tool(page, "image-format-converter")
    page.locator(".history-item").or_(page.get_by_text("No executions yet")).first.wait_for()
    if viewport == "desktop":  # the drop area and Start need no scrolling
        for selector in (".drop-zone", "#start"):
            box = page.locator(selector).bounding_box()
            assert box and box["y"] + box["height"] <= size["height"], selector
    else:  # Start sits in the sticky bar at the bottom of the screen
        box = page.locator("#start").bounding_box()
        assert box and box["y"] + box["height"] <= size["height"]
    check("tool")

    execution_id = run_image_job(page, jpeg(tmp_path / "axe.jpg", (300, 200)))
    page.locator(".result-card img").first.wait_for()
    check("result")

    page.goto("/#/history")
    page.locator(".history-item").first.wait_for()
    check("history")

    page.goto(f"/#/jobs/{execution_id}")
    page.locator(".result-card").wait_for()
    check("job")


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_several_files_through_a_one_file_tool_run_a_job_each(
    signed_in: Any, tmp_path: Path, viewport: str
) -> None:
    page = signed_in
    page.set_viewport_size(DESKTOP if viewport == "desktop" else PHONE)
    open_tool(page, "image-format-converter")
    page.locator("select[name=outputFormat]").select_option("png")
    good = [jpeg(tmp_path / f"{viewport}-{n}.jpg", (40 + n, 30)) for n in range(2)]
    broken = tmp_path / f"{viewport}-broken.jpg"
    broken.write_bytes(b"\xff\xd8\xff\xe0" + b"not a picture at all " * 20)  # passes the sniff
    page.locator("#file-input").set_input_files([str(good[0]), str(broken), str(good[1])])
    page.get_by_role("button", name="Start 3 jobs").click()
    wait_until(page, "document.querySelectorAll('.batch-item[data-state=completed]').length === 2")
    wait_until(page, "document.querySelectorAll('.batch-item[data-state=failed]').length === 1")
    assert page.locator("#batch-summary").inner_text() == "2 of 3 done · 1 failed"
    rows = page.locator(".batch-item")
    assert "readable image" in rows.nth(1).inner_text()  # the job's own reason, on its row
    assert rows.nth(1).get_by_role("button", name="Download").count() == 0
    assert rows.nth(1).locator(".progress").is_hidden()  # no half-full bar beside a failure
    with page.expect_download() as info:
        rows.nth(2).get_by_role("button", name="Download").click()
    with Image.open(Path(info.value.path())) as image:
        assert image.format == "PNG" and image.size == (41, 30)  # the third file's own result
    assert "#/tools/image-format-converter" in page.url  # no single job in the address
    for source in (*good, broken):
        page.locator(".history-item", has_text=source.name).first.wait_for()
    assert axe_violations(page) == []
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"batch-{viewport}.png"), full_page=True)


def test_cancel_uploads_sends_no_more_files_of_a_batch(signed_in: Any, tmp_path: Path) -> None:
    page = signed_in
    open_tool(page, "image-format-converter")
    big = []
    for n in range(3):
        big.append(tmp_path / f"big-{n}.jpg")
        big[-1].write_bytes(b"\xff\xd8\xff\xe0" + bytes(3 * 1024 * 1024))  # only the upload matters
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    conditions = {"offline": False, "latency": 0, "downloadThroughput": -1}
    cdp.send("Network.emulateNetworkConditions", {**conditions, "uploadThroughput": 200_000})
    page.locator("#file-input").set_input_files([str(path) for path in big])
    page.get_by_role("button", name="Start 3 jobs").click()
    page.get_by_role("button", name="Cancel uploads").click()
    wait_until(page, "document.querySelectorAll('.batch-item[data-state=not-sent]').length === 3")
    cdp.send("Network.emulateNetworkConditions", {**conditions, "uploadThroughput": -1})
    assert page.locator("#batch-summary").inner_text() == "0 of 3 done · 3 not sent"
    states = page.locator(".batch-state").all_inner_texts()
    assert states == ["Upload cancelled", "Upload cancelled", "Not sent"]  # two were under way
    page.get_by_role("button", name="Start 3 jobs").wait_for()
    assert page.get_by_role("button", name="Start 3 jobs").is_enabled()


def test_a_batch_polls_at_most_six_jobs_at_once_and_ends_every_job(
    signed_in: Any, tmp_path: Path
) -> None:
    page = signed_in
    open_tool(page, "image-format-converter")
    sources = [str(jpeg(tmp_path / f"many-{n}.jpg", (20 + n, 20))) for n in range(9)]
    polls: dict[str, list[float]] = {}

    def record(request: Any) -> None:
        if "/status/" in request.url:
            job = request.url.split("/executions/")[1].split("/")[0]
            polls.setdefault(job, []).append(time.monotonic())

    page.on("request", record)
    page.locator("#file-input").set_input_files(sources)
    page.get_by_role("button", name="Start 9 jobs").click()
    wait_until(page, "document.querySelectorAll('.batch-item[data-state=completed]').length === 9")
    assert page.locator("#batch-summary").inner_text() == "9 of 9 done"
    assert len(polls) == 9  # each job followed, the later ones as earlier ones ended
    spans = [(min(times), max(times)) for times in polls.values()]
    most = max(sum(start <= at <= end for start, end in spans) for at, _ in spans)
    assert most <= 6


def test_a_refusal_every_file_would_meet_is_shown_once_and_sends_no_more(
    signed_in: Any, tmp_path: Path
) -> None:
    page = signed_in
    open_tool(page, "image-format-converter")
    sources = [str(jpeg(tmp_path / f"refused-{n}.jpg")) for n in range(3)]
    page.locator("#file-input").set_input_files(sources)
    # The key is revoked while the page is open: every file's job would be refused alike.
    page.evaluate("sessionStorage.setItem('magictoolbox.apiKey', 'revoked-key')")
    page.get_by_role("button", name="Start 3 jobs").click()
    wait_until(page, "document.querySelectorAll('.batch-item[data-state=not-sent]').length === 1")
    # The two uploaders asked at once; the third file was not sent.
    assert page.locator("#batch-summary").inner_text() == "0 of 3 done · 2 failed · 1 not sent"
    alerts = page.locator("#batch [role=alert]")
    assert alerts.count() == 1 and "No more files are sent" in alerts.inner_text()
    assert page.locator(".batch-state").all_inner_texts()[2] == "Not sent"
