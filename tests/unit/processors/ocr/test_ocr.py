"""OCR of Pillow-rendered images and PyMuPDF-made PDF pages with large, clear text.

The engine loads once per process (module cache), so these tests share its cost.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pymupdf
import pytest
from PIL import Image, ImageDraw, ImageFont

from processors.errors import InvalidInputError, LimitExceededError
from processors.registry import get_tool

Run = Callable[..., tuple[Path, list[tuple[float, str]]]]


@pytest.fixture
def run_ocr(tmp_path: Path) -> Run:
    def run(source: Path, **params: Any) -> tuple[Path, list[tuple[float, str]]]:
        tool = get_tool("ocr")
        assert tool is not None
        calls: list[tuple[float, str]] = []
        output = tool.run(
            [source], tmp_path, tool.parse_params(params), lambda p, s: calls.append((p, s))
        )
        return output, calls

    return run


def text_image(path: Path, lines: list[str], *, size: tuple[int, int] = (1000, 320)) -> Path:
    image = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=64)
    for number, line in enumerate(lines):
        draw.text((40, 40 + number * 130), line, fill="black", font=font)
    image.save(path)
    return path


def _words(text: str) -> str:
    return text.replace(" ", "").lower()


def test_image_text_lines_boxes_and_confidence(tmp_path: Path, run_ocr: Run) -> None:
    source = text_image(tmp_path / "sign.png", ["INVOICE 4821", "Magic Toolbox"])
    output, calls = run_ocr(source)
    report = json.loads(output.read_text(encoding="utf-8"))
    assert "invoice4821" in _words(report["text"])
    assert "magictoolbox" in _words(report["text"])
    first, second = report["lines"]
    assert first["confidence"] > 0.8
    xs, ys = [p[0] for p in first["box"]], [p[1] for p in first["box"]]
    assert 20 < min(xs) < 80 and 20 < min(ys) < 80  # the first line starts near (40, 40)
    assert second["box"][0][1] > first["box"][2][1] - 10  # the second line lies below
    assert (report["width"], report["height"]) == (1000, 320)
    percents = [p for p, _ in calls]
    assert percents == sorted(percents) and percents[-1] == 100


def test_plain_text_output(tmp_path: Path, run_ocr: Run) -> None:
    source = text_image(tmp_path / "note.jpg", ["HELLO 2025"])
    output, _ = run_ocr(source, output="text")
    assert output.suffix == ".txt"
    assert "hello2025" in _words(output.read_text(encoding="utf-8"))


def test_a_page_of_ordinary_print_is_read_line_by_line_with_its_spaces(
    tmp_path: Path, run_ocr: Run
) -> None:
    # A scan-sized page of 30 px print. With the engine's own 2000 px cap and the line
    # orientation classifier, 8 of these 20 lines came back wrong: words run together
    # ("Packmyboxwith..."), or lost.
    sentences = (
        "The quick brown fox jumps over the lazy dog",
        "Pack my box with five dozen liquor jugs",
        "How vexingly quick daft zebras jump",
    )
    lines = [f"{number + 1}. {sentences[number % 3]}" for number in range(20)]
    page = Image.new("RGB", (2600, 1800), "white")
    draw = ImageDraw.Draw(page)
    font = ImageFont.load_default(size=30)
    for number, line in enumerate(lines):
        draw.text((80, 60 + number * 48), line, fill="black", font=font)
    page.save(tmp_path / "page.png")
    output, _ = run_ocr(tmp_path / "page.png", output="text")
    assert output.read_text(encoding="utf-8").splitlines() == lines


def test_lines_printed_upside_down_are_read_on_request(tmp_path: Path, run_ocr: Run) -> None:
    source = text_image(tmp_path / "upright.png", ["INVOICE 4821"])
    flipped = tmp_path / "flipped.png"
    Image.open(source).rotate(180).save(flipped)
    output, _ = run_ocr(flipped, output="text")
    assert "invoice" not in _words(output.read_text(encoding="utf-8"))  # off by default
    output, _ = run_ocr(flipped, output="text", upside_down=True)
    assert "invoice4821" in _words(output.read_text(encoding="utf-8"))


def test_a_large_image_is_shrunk_but_boxes_stay_in_its_pixels(tmp_path: Path, run_ocr: Run) -> None:
    small = text_image(tmp_path / "small.png", ["SCALE TEST"])
    big = tmp_path / "big.png"
    Image.open(small).resize((5000, 1600)).save(big)
    report = json.loads(run_ocr(big)[0].read_text(encoding="utf-8"))
    assert "scaletest" in _words(report["text"])
    assert min(p[0] for p in report["lines"][0]["box"]) > 100  # mapped back: ~200 px, not ~160


def test_a_pdf_page_is_rendered_and_read(tmp_path: Path, run_ocr: Run) -> None:
    path = tmp_path / "scan.pdf"
    with pymupdf.open() as document:
        document.new_page().insert_text((72, 100), "first page", fontsize=30)
        document.new_page().insert_text((72, 100), "SECOND PAGE 77", fontsize=30)
        document.save(path)
    report = json.loads(run_ocr(path, page=2, dpi=150)[0].read_text(encoding="utf-8"))
    assert "secondpage77" in _words(report["text"])
    assert report["source"] == {"kind": "pdf", "page": 2, "dpi": 150}
    with pytest.raises(InvalidInputError, match="Page 3 does not exist"):
        run_ocr(path, page=3)


def test_blank_image_gives_no_lines(tmp_path: Path, run_ocr: Run) -> None:
    blank = tmp_path / "blank.png"
    Image.new("RGB", (400, 300), "white").save(blank)
    report = json.loads(run_ocr(blank)[0].read_text(encoding="utf-8"))
    assert report["text"] == "" and report["lines"] == []


def test_damaged_image_is_refused(tmp_path: Path, run_ocr: Run) -> None:
    bad = tmp_path / "bad.png"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 40)
    with pytest.raises(InvalidInputError, match="damaged"):
        run_ocr(bad)


def test_pixel_limit(tmp_path: Path, run_ocr: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("processors.ocr.ocr.MAX_INPUT_PIXELS", 10_000)
    source = text_image(tmp_path / "x.png", ["x"], size=(200, 100))
    with pytest.raises(LimitExceededError, match="megapixels"):
        run_ocr(source)
