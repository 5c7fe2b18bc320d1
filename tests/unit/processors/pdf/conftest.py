"""PDF fixtures made with PyMuPDF: known text on known pages."""

from __future__ import annotations

from pathlib import Path

import pymupdf
import pytest

from tests.unit.processors.conftest import RunTool as RunTool  # re-exported for the tests

SAMPLE_PDF = Path(__file__).parents[5] / "shared" / "samples" / "demo_file.pdf"


def make_pdf(path: Path, pages: list[str], *, width: float = 595, height: float = 842) -> Path:
    """A PDF whose page i carries the text pages[i], large enough to survive any tool."""
    with pymupdf.open() as document:
        for text in pages:
            page = document.new_page(width=width, height=height)
            page.insert_text((72, 100), text, fontsize=18)
        document.save(path)
    return path


def make_image_bomb_pdf(path: Path) -> Path:
    """One page embedding a 2x2 image whose dictionary claims 200000x200000 pixels."""
    with pymupdf.open() as document:
        page = document.new_page()
        xref = page.insert_image(page.rect, pixmap=pymupdf.Pixmap(pymupdf.csRGB, (0, 0, 2, 2)))
        document.xref_set_key(xref, "Width", "200000")
        document.xref_set_key(xref, "Height", "200000")
        document.save(path)
    return path


@pytest.fixture
def five_page_pdf(tmp_path: Path) -> Path:
    return make_pdf(tmp_path / "five.pdf", [f"Page number {n} alpha{n}" for n in range(1, 6)])


def increasing(calls: list[tuple[float, str]]) -> bool:
    """True when progress percents never go back and end at 100."""
    percents = [p for p, _ in calls]
    return percents == sorted(percents) and percents[-1] == 100
