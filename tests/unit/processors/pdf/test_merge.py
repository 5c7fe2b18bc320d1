"""pdf-merge: pages in upload order, a bookmark per file, bad files named."""

from __future__ import annotations

from pathlib import Path

import pymupdf
import pytest

from processors.errors import InvalidInputError
from tests.unit.processors.pdf.conftest import (
    RunTool,
    increasing,
    make_pdf,
)


def test_pdf_merge_concatenates_in_upload_order_with_bookmarks(
    tmp_path: Path, run_tool: RunTool
) -> None:
    first = make_pdf(tmp_path / "first.pdf", ["one-a", "one-b"])
    second = make_pdf(tmp_path / "second.pdf", ["two-a"])
    output, calls = run_tool("pdf-merge", [second, first])
    assert output.name == "second-merged.pdf"  # named after the first file, not as it
    with pymupdf.open(output) as merged:
        assert merged.page_count == 3
        assert "two-a" in merged[0].get_text()
        assert "one-b" in merged[2].get_text()
        assert merged.get_toc() == [[1, "second", 1], [1, "first", 2]]
    assert increasing(calls)


def test_pdf_merge_names_the_bad_file(tmp_path: Path, run_tool: RunTool) -> None:
    good = make_pdf(tmp_path / "good.pdf", ["ok"])
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"%PDF-1.4 nothing else")
    with pytest.raises(InvalidInputError, match="File 2"):
        run_tool("pdf-merge", [good, bad])
