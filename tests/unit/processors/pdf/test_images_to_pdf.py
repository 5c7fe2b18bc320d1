"""images-to-pdf: a page per image, in order, sized to the image or to A4."""

from __future__ import annotations

from pathlib import Path

import pymupdf
import pytest
from PIL import Image

from processors.errors import InvalidInputError
from tests.unit.processors.pdf.conftest import (
    RunTool,
    increasing,
)


def test_images_to_pdf_one_page_per_image_in_order(tmp_path: Path, run_tool: RunTool) -> None:
    wide = tmp_path / "wide.png"
    Image.new("RGB", (400, 200), "red").save(wide, dpi=(72, 72))
    tall = tmp_path / "tall.jpg"
    Image.new("RGB", (100, 300), "blue").save(tall, dpi=(72, 72))
    output, calls = run_tool("images-to-pdf", [wide, tall])
    with pymupdf.open(output) as document:
        assert document.page_count == 2
        assert (round(document[0].rect.width), round(document[0].rect.height)) == (400, 200)
        assert (round(document[1].rect.width), round(document[1].rect.height)) == (100, 300)
        pixel = document[1].get_pixmap(dpi=36).pixel(10, 10)
        assert pixel[2] > 200 and pixel[0] < 50  # the blue image landed on page 2
    assert increasing(calls)


def test_images_to_pdf_on_a4_turns_landscape_images(tmp_path: Path, run_tool: RunTool) -> None:
    wide = tmp_path / "wide.png"
    Image.new("RGB", (400, 200), "red").save(wide)
    output, _ = run_tool("images-to-pdf", [wide], pageSize="a4", marginMm=10)
    with pymupdf.open(output) as document:
        assert round(document[0].rect.width) == 842 and round(document[0].rect.height) == 595


def test_images_to_pdf_refuses_a_damaged_image(tmp_path: Path, run_tool: RunTool) -> None:
    bad = tmp_path / "bad.png"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 50)
    with pytest.raises(InvalidInputError, match="Image 1"):
        run_tool("images-to-pdf", [bad])
