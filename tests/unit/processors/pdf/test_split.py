"""pdf-split: every N pages or by ranges, one PDF per part in a ZIP."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pymupdf
import pytest

from processors.errors import InvalidInputError
from tests.unit.processors.pdf.conftest import (
    RunTool,
)


def test_pdf_split_every_two_pages(five_page_pdf: Path, run_tool: RunTool) -> None:
    output, _ = run_tool("pdf-split", [five_page_pdf], pagesPerFile=2)
    with zipfile.ZipFile(output) as archive:
        names = archive.namelist()
        assert names == [
            "001-five-pages-1-2.pdf",
            "002-five-pages-3-4.pdf",
            "003-five-pages-5.pdf",
        ]
        with pymupdf.open(stream=archive.read(names[1]), filetype="pdf") as part:
            assert part.page_count == 2
            assert "alpha3" in part[0].get_text() and "alpha4" in part[1].get_text()


def test_pdf_split_by_ranges(five_page_pdf: Path, run_tool: RunTool) -> None:
    output, _ = run_tool("pdf-split", [five_page_pdf], mode="ranges", ranges="1, 3-")
    with zipfile.ZipFile(output) as archive:
        parts = [pymupdf.open(stream=archive.read(n), filetype="pdf") for n in archive.namelist()]
    assert [p.page_count for p in parts] == [1, 3]
    assert "alpha5" in parts[1][2].get_text()


def test_pdf_split_ranges_mode_needs_ranges(five_page_pdf: Path, run_tool: RunTool) -> None:
    with pytest.raises(InvalidInputError, match="page ranges"):
        run_tool("pdf-split", [five_page_pdf], mode="ranges")


def test_bad_page_range_parameter_is_refused_at_validation() -> None:
    from processors.registry import get_tool

    tool = get_tool("pdf-split")
    assert tool is not None
    with pytest.raises(InvalidInputError, match="ranges"):
        tool.parse_params({"ranges": "1-2; drop table"})
