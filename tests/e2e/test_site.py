"""The single-page site end to end: sign-in, conversions, failures, history, a11y, screenshots."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from tests.e2e.conftest import sign_in
from tests.e2e.helpers import (
    JOB_TIMEOUT,
    axe_violations,
    jpeg,
    open_tool,
    pdf,
    set_field,
    wait_until,
)

pytestmark = pytest.mark.e2e


def start_and_download(page: Any) -> bytes:
    page.get_by_role("button", name="Start").click()
    button = page.locator("#download-result")
    button.wait_for(timeout=JOB_TIMEOUT)
    with page.expect_download() as info:
        button.click()
    return Path(info.value.path()).read_bytes()


def test_sign_in_checks_the_key_and_signs_out(page: Any, api_key: str) -> None:
    page.goto("/")
    page.get_by_label("API key").fill("wrong-key")
    page.get_by_role("button", name="Continue").click()
    assert "not accepted" in page.get_by_role("alert").inner_text()
    assert axe_violations(page) == []

    sign_in(page, api_key)
    assert page.evaluate("sessionStorage.getItem('magictoolbox.apiKey')") == api_key
    assert page.evaluate("localStorage.getItem('magictoolbox.apiKey')") is None
    page.get_by_role("heading", name="Images", exact=True).wait_for()

    page.get_by_label("Search tools").fill("merge pdf")
    cards = page.locator(".tool-card")
    assert cards.count() >= 1
    assert all("merge" in text.lower() for text in cards.all_inner_texts())

    page.get_by_role("button", name="Sign out").click()
    page.get_by_label("API key").wait_for()
    assert page.evaluate("sessionStorage.getItem('magictoolbox.apiKey')") is None


def test_convert_an_image_end_to_end(signed_in: Any, tmp_path: Path) -> None:
    page = signed_in
    open_tool(page, "image-format-converter")
    page.locator("#file-input").set_input_files(str(jpeg(tmp_path / "blue.jpg")))
    page.locator("select[name=outputFormat]").select_option("png")
    data = start_and_download(page)
    assert "#/tools/image-format-converter/jobs/" in page.url  # the download left the page be

    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "PNG" and image.size == (120, 80)
    assert page.locator("#upload-progress").is_visible()
    assert page.locator("#upload-progress").get_attribute("aria-valuenow") == "100"
    assert page.locator("#process-progress").get_attribute("aria-valuenow") == "100"
    first = page.locator(".history-item").first
    first.get_by_text("completed").wait_for()
    assert "blue.jpg" in first.inner_text()
    # Seed 000: a completed badge is green; the history sidebar stays in view and scrolls.
    assert "text-bg-success" in (first.locator(".badge").get_attribute("class") or "")
    sidebar = page.locator(".history-sidebar")
    assert sidebar.evaluate("e => getComputedStyle(e).position") == "sticky"
    assert sidebar.evaluate("e => getComputedStyle(e).overflowY") == "auto"
    with page.expect_download() as again:
        first.get_by_role("button", name="Download").click()
    assert Path(again.value.path()).read_bytes() == data


def test_a_permanent_failure_shows_no_retry(signed_in: Any, tmp_path: Path) -> None:
    page = signed_in
    open_tool(page, "image-format-converter")
    fake = tmp_path / "fake.jpg"
    # A JPEG's first bytes (so the browser lets it go), nothing readable behind them.
    fake.write_bytes(b"\xff\xd8\xff\xe0" + b"not a picture at all " * 20)
    page.locator("#file-input").set_input_files(str(fake))
    page.get_by_role("button", name="Start").click()
    alert = page.get_by_role("alert").filter(has_text="Processing failed")
    alert.wait_for(timeout=JOB_TIMEOUT)
    assert "readable image" in alert.inner_text()
    assert alert.get_by_role("button", name="Retry").count() == 0  # the same file fails again
    assert page.locator("#process-section").is_hidden()  # no half-full bar next to a failure
    assert axe_violations(page) == []


def test_files_are_checked_before_upload(signed_in: Any, tmp_path: Path) -> None:
    page = signed_in
    open_tool(page, "image-format-converter")
    wrong = tmp_path / "notes.txt"
    wrong.write_text("hello")
    page.locator("#file-input").set_input_files(str(wrong))
    assert "this tool takes" in page.locator("#file-errors").inner_text()
    page.get_by_role("button", name="Start").click()
    assert page.locator("#upload-section").is_hidden()

    disguised = tmp_path / "holiday.png"  # the right name, a text file inside
    disguised.write_text("these are my holiday notes, not a picture")
    page.locator("#file-input").set_input_files(str(disguised))
    page.get_by_text("its first bytes match none").wait_for()
    page.get_by_role("button", name="Start").click()
    assert page.locator("#upload-section").is_hidden()


def test_delete_and_bulk_delete_from_history(signed_in: Any, tmp_path: Path) -> None:
    page = signed_in
    open_tool(page, "image-format-converter")
    for name in ("one.jpg", "two.jpg"):
        page.locator("#file-input").set_input_files(str(jpeg(tmp_path / name)))
        start_and_download(page)
    items = page.locator(".history-item")
    # The sidebar refreshes after the result shows: list the ids once both jobs are in it,
    # or the one it had not yet shown is never deleted.
    for name in ("one.jpg", "two.jpg"):
        items.filter(has_text=name).first.wait_for()
    ids = [items.nth(i).get_attribute("data-execution-id") for i in range(items.count())]
    assert len(ids) >= 2

    target = page.locator(f'.history-item[data-execution-id="{ids[0]}"]')
    target.get_by_role("button", name="Delete").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_role("button", name="Delete").click()
    target.wait_for(state="detached")

    rest = ids[1:]
    for execution_id in rest:
        page.locator(f"#sel-{execution_id}").check()
    page.get_by_role("button", name=f"Delete selected ({len(rest)})").click()
    page.get_by_role("dialog").get_by_role("button", name="Delete").click()
    page.get_by_text("No executions yet").wait_for()


def test_multi_file_pdf_merge(signed_in: Any, tmp_path: Path) -> None:
    page = signed_in
    open_tool(page, "pdf-merge")
    parts = [pdf(tmp_path / f"part{n}.pdf", f"text of part {n}") for n in (1, 2)]
    page.locator("#file-input").set_input_files([str(p) for p in parts])
    data = start_and_download(page)
    pymupdf = pytest.importorskip("pymupdf")
    merged = pymupdf.open(stream=data, filetype="pdf")
    assert merged.page_count == 2
    assert "part 1" in merged[0].get_text() and "part 2" in merged[1].get_text()


def test_keyboard_only_flow(page: Any, api_key: str, tmp_path: Path) -> None:
    # Playwright turns file-chooser interception on with a fire-and-forget message when the
    # first listener subscribes; subscribing here, long before Space is pressed, keeps that
    # message from racing the key press (which would open an unintercepted native dialog).
    choosers: list[Any] = []
    page.on("filechooser", lambda chooser: choosers.append(chooser))
    page.goto("/")
    page.get_by_label("API key").wait_for()
    # Focus starts on the page heading; the next stop is the key field.
    assert page.evaluate("document.activeElement.tagName") == "H1"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "api-key"
    page.keyboard.type(api_key)
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Tools", level=1, exact=True).wait_for()

    page.get_by_label("Search tools").focus()
    page.keyboard.type("image format")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Image Format Converter").wait_for()
    # The view moves focus to its heading once it has rendered and loaded the history;
    # wait for that to settle so the focus given to the file input below stays there.
    page.wait_for_load_state("networkidle")

    page.locator("#file-input").focus()
    wait_until(page, "document.activeElement && document.activeElement.id === 'file-input'")
    page.keyboard.press("Space")
    for _ in range(200):  # the sync API delivers events while it waits in a Playwright call
        if choosers:
            break
        page.wait_for_timeout(100)
    assert choosers, "Space on the focused file input opened no file chooser"
    choosers[-1].set_files(str(jpeg(tmp_path / "keys.jpg")))
    page.get_by_label("Chosen files").get_by_text("keys.jpg").wait_for()
    page.locator("select[name=outputFormat]").focus()
    page.keyboard.press("End")  # last option
    chosen = page.locator("select[name=outputFormat]").input_value()
    page.locator("form button[type=submit]").focus()
    page.keyboard.press("Enter")
    page.locator("#download-result").wait_for(timeout=JOB_TIMEOUT)
    assert page.evaluate("document.activeElement.id") == "download-result"
    with page.expect_download() as info:
        page.keyboard.press("Enter")
    assert info.value.suggested_filename.endswith(f".{'jpg' if chosen == 'jpeg' else chosen}")


def test_no_file_tool_shows_only_the_form(signed_in: Any) -> None:
    page = signed_in
    open_tool(page, "unit-converter")
    assert page.locator("#file-input").count() == 0
    page.locator("input[name=value]").fill("10")
    set_field(page, "quantity", "length")
    set_field(page, "fromUnit", "m")
    to_unit = page.locator("[name=toUnit]")
    if to_unit.evaluate("(el) => el.tagName") == "INPUT":  # free text: the API judges the unit
        to_unit.fill("lightyear")
        page.get_by_role("button", name="Run").click()
        alert = page.get_by_role("alert")
        alert.wait_for()
        assert "lightyear" in alert.inner_text()  # the API's 400 message, shown as is
    else:  # a list of the quantity's units: nothing else can be chosen
        assert "lightyear" not in to_unit.inner_text()
    set_field(page, "toUnit", "ft")
    page.get_by_role("button", name="Run").click()
    button = page.locator("#download-result")
    button.wait_for(timeout=JOB_TIMEOUT)
    with page.expect_download() as info:
        button.click()
    report = Path(info.value.path()).read_text()
    assert "32.8" in report  # 10 m = 32.808 ft


def test_cancel_an_upload(signed_in: Any, tmp_path: Path) -> None:
    page = signed_in
    open_tool(page, "image-format-converter")
    big = tmp_path / "big.jpg"
    big.write_bytes(b"\xff\xd8\xff\xe0" + bytes(3 * 1024 * 1024))  # only the upload matters
    # Throttle uploads so there is time to cancel (Chromium's own network emulation).
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    conditions = {"offline": False, "latency": 0, "downloadThroughput": -1}
    cdp.send("Network.emulateNetworkConditions", {**conditions, "uploadThroughput": 200_000})
    page.locator("#file-input").set_input_files(str(big))
    page.get_by_role("button", name="Start").click()
    page.get_by_role("button", name="Cancel upload").click()
    page.get_by_role("alert").filter(has_text="Upload cancelled").wait_for()
    cdp.send("Network.emulateNetworkConditions", {**conditions, "uploadThroughput": -1})
    assert int(page.locator("#upload-progress").get_attribute("aria-valuenow") or 0) < 100
    assert page.get_by_role("button", name="Start").is_enabled()


def test_remember_me_keeps_the_key_in_local_storage(page: Any, api_key: str) -> None:
    page.goto("/")
    page.get_by_label("API key").fill(api_key)
    page.get_by_label("Remember me on this device").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("heading", name="Tools", level=1, exact=True).wait_for()
    assert page.evaluate("localStorage.getItem('magictoolbox.apiKey')") == api_key
    assert page.evaluate("sessionStorage.getItem('magictoolbox.apiKey')") is None
    page.reload()
    page.get_by_role("heading", name="Tools", level=1, exact=True).wait_for()
    page.get_by_role("button", name="Sign out").click()
    page.get_by_label("API key").wait_for()
    assert page.evaluate("localStorage.getItem('magictoolbox.apiKey')") is None
