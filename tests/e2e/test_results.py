"""Results on the page, chosen by output kind: images, data reports, text, media, archives."""

from __future__ import annotations

import math
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from tests.e2e.helpers import JOB_TIMEOUT, jpeg, open_tool, pdf, set_field, start, wait_until

pytestmark = pytest.mark.e2e


def exif_jpeg(path: Path) -> Path:
    exif = Image.Exif()
    exif[0x010F] = "Acme"  # Make
    exif[0x0110] = "Pocket 3"  # Model
    Image.new("RGB", (64, 48), (200, 80, 40)).save(path, "JPEG", exif=exif)
    return path


def loop_gpx(path: Path, points: int = 60) -> Path:
    rows = []
    for i in range(points):
        angle = i / (points - 1) * 2 * math.pi
        lat, lon = 47.6 + 0.01 * math.sin(angle), -122.3 + 0.015 * math.cos(angle)
        rows.append(
            f'<trkpt lat="{lat:.6f}" lon="{lon:.6f}"><ele>{50 + i % 7}</ele>'
            f"<time>2025-06-01T08:{i // 60:02d}:{i % 60:02d}Z</time></trkpt>"
        )
    path.write_text(
        '<?xml version="1.0"?><gpx version="1.1" creator="e2e" '
        'xmlns="http://www.topografix.com/GPX/1/1"><trk><name>Loop</name><trkseg>'
        + "".join(rows)
        + "</trkseg></trk></gpx>"
    )
    return path


def small_video(path: Path) -> Path:
    ffmpeg = pytest.importorskip("imageio_ffmpeg").get_ffmpeg_exe()
    subprocess.run(
        [ffmpeg, "-v", "error", "-f", "lavfi", "-i", "testsrc=size=96x64:rate=10", "-t", "1",
         "-pix_fmt", "yuv420p", "-c:v", "libx264", "-y", str(path)],
        check=True,
    )  # fmt: skip
    return path


def result(page: Any, kind: str) -> Any:
    card = page.locator(f'.result-card[data-kind="{kind}"]')
    card.wait_for(timeout=JOB_TIMEOUT)
    return card


def test_image_result_shows_before_after_and_size_change(signed_in: Any, tmp_path: Path) -> None:
    page = signed_in
    open_tool(page, "image-compressor")
    noisy = tmp_path / "noisy.jpg"
    Image.effect_noise((200, 150), 60).convert("RGB").save(noisy, "JPEG", quality=95)
    page.locator("#file-input").set_input_files(str(noisy))
    start(page)
    card = result(page, "webp")
    change = card.locator("#size-change").inner_text()
    assert re.fullmatch(r"\d+ % (smaller|larger) \(\d+(\.\d)? KB → \d+(\.\d)? KB\)", change), change
    images = card.locator(".result-images img")
    images.first.wait_for()
    assert images.count() == 2  # before and after
    wait_until(
        page,
        "[...document.querySelectorAll('.result-images img')].every((i) => i.naturalWidth === 200)",
    )
    assert "After" in card.inner_text() and "Before" in card.inner_text()


def test_exif_as_a_table(signed_in: Any, tmp_path: Path) -> None:
    page = signed_in
    open_tool(page, "exif-extractor")
    page.locator("#file-input").set_input_files(str(exif_jpeg(tmp_path / "camera.jpg")))
    start(page)
    table = result(page, "json").locator(".result-exif table").first
    table.wait_for()
    camera = table.locator("tr").filter(has_text="Camera")
    assert camera.locator("td").inner_text() == "Acme Pocket 3"
    assert "64 \u00d7 48 px" in table.inner_text()  # width times height


def test_gpx_statistics_and_drawing(signed_in: Any, tmp_path: Path) -> None:
    page = signed_in
    open_tool(page, "gpx-analyzer")
    page.locator("#file-input").set_input_files(str(loop_gpx(tmp_path / "loop.gpx")))
    start(page)
    card = result(page, "json")
    table = card.locator(".result-gpx table")
    table.wait_for()
    distance = table.locator("tr").filter(has_text="Distance").locator("td").inner_text()
    assert re.fullmatch(r"\d+(\.\d+)? km", distance), distance
    assert table.locator("tr").filter(has_text="Moving time").count() == 1
    line = card.locator("svg.track-drawing polyline")
    assert len(line.get_attribute("points").split()) >= 50  # the report's outline


def test_unit_answer_in_large_type(signed_in: Any) -> None:
    page = signed_in
    open_tool(page, "unit-converter")
    set_field(page, "quantity", "length")
    set_field(page, "value", "10")
    set_field(page, "fromUnit", "km")
    set_field(page, "toUnit", "mi")
    page.get_by_role("button", name="Run").click()
    answer = result(page, "json").locator("#result-answer")
    answer.wait_for()
    assert answer.inner_text().startswith("10 km = 6.2137")
    assert page.get_by_role("button", name="Copy answer").is_visible()


def test_text_preview_of_a_pdf(signed_in: Any, tmp_path: Path) -> None:
    page = signed_in
    open_tool(page, "pdf-to-text")
    page.locator("#file-input").set_input_files(str(pdf(tmp_path / "memo.pdf", "Quarterly memo")))
    start(page)
    block = result(page, "text").locator(".result-text pre")
    block.wait_for()
    assert "Quarterly memo" in block.inner_text()


def test_zip_entries_and_first_page(signed_in: Any, tmp_path: Path) -> None:
    page = signed_in
    open_tool(page, "pdf-to-images")
    page.locator("#file-input").set_input_files(str(pdf(tmp_path / "deck.pdf", "Slide one")))
    start(page)
    card = result(page, "zip")
    table = card.locator(".result-zip table")
    table.wait_for()
    assert "1 file in the archive" in table.inner_text()
    assert re.search(r"\.png\s+\d+(\.\d)? KB", table.locator("tbody").inner_text())
    wait_until(page, "document.querySelector('.result-card figure img')?.naturalWidth > 0")


def test_video_result_plays_in_the_page(signed_in: Any, tmp_path: Path) -> None:
    page = signed_in
    open_tool(page, "video-rotation")
    page.locator("#file-input").set_input_files(str(small_video(tmp_path / "clip.mp4")))
    start(page)
    player = result(page, "mp4").locator("video")
    player.wait_for()
    assert player.get_attribute("controls") is not None
    assert player.get_attribute("src", timeout=1000).startswith("http")


def test_reload_mid_job_reaches_the_result(signed_in: Any, tmp_path: Path) -> None:
    page = signed_in
    open_tool(page, "image-format-converter")
    page.locator("#file-input").set_input_files(str(jpeg(tmp_path / "later.jpg")))
    set_field(page, "outputFormat", "png")
    start(page)
    page.locator("#process-section").wait_for()  # uploaded; the job is queued or running
    url = page.url
    assert re.search(r"#/tools/image-format-converter/jobs/[\w-]+$", url)
    page.reload()
    card = result(page, "png")
    assert page.url == url
    assert "later.jpg" in card.inner_text()
    assert card.get_by_role("button", name="Download later.png").is_visible()
