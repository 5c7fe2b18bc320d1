"""pdf-to-images: the chosen pages rendered at the DPI, zipped; huge pages refused."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from PIL import Image

from processors.errors import LimitExceededError
from tests.unit.processors.pdf.conftest import (
    RunTool,
    increasing,
    make_pdf,
)


def test_pdf_to_images_renders_the_chosen_pages_at_the_dpi(
    five_page_pdf: Path, run_tool: RunTool
) -> None:
    output, calls = run_tool("pdf-to-images", [five_page_pdf], dpi=72, pageRange="1,5")
    with zipfile.ZipFile(output) as archive:
        assert archive.namelist() == ["page-1.png", "page-5.png"]
        image = Image.open(io.BytesIO(archive.read("page-5.png")))
    assert image.format == "PNG" and image.size == (595, 842)
    assert increasing(calls)


def test_pdf_to_images_jpeg_at_double_dpi(tmp_path: Path, run_tool: RunTool) -> None:
    pdf = make_pdf(tmp_path / "one.pdf", ["hi"], width=100, height=50)
    output, _ = run_tool("pdf-to-images", [pdf], dpi=144, format="jpeg")
    with zipfile.ZipFile(output) as archive:
        image = Image.open(io.BytesIO(archive.read("page-1.jpg")))
    assert image.format == "JPEG" and image.size == (200, 100)


def test_pdf_to_images_refuses_a_huge_page(tmp_path: Path, run_tool: RunTool) -> None:
    pdf = make_pdf(tmp_path / "poster.pdf", ["big"], width=14000, height=14000)
    with pytest.raises(LimitExceededError, match="megapixels"):
        run_tool("pdf-to-images", [pdf], dpi=300)
