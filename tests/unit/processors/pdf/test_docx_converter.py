"""pdf-docx-converter: paragraphs of the chosen pages, progress per page."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest

from processors.errors import InvalidInputError
from tests.unit.processors.pdf.conftest import (
    SAMPLE_PDF,
    RunTool,
    increasing,
    make_pdf,
)


def test_pdf_to_docx_converts_the_chosen_pages(five_page_pdf: Path, run_tool: RunTool) -> None:
    output, calls = run_tool("pdf-docx-converter", [five_page_pdf], pageRange="2-3")
    text = "\n".join(p.text for p in docx.Document(str(output)).paragraphs)
    assert "alpha2" in text and "alpha3" in text and "alpha1" not in text
    steps = [s for _, s in calls]
    assert "Converting page 1/2" in steps and "Converting page 2/2" in steps
    assert increasing(calls)


def test_pdf_to_docx_refuses_a_truncated_pdf(tmp_path: Path, run_tool: RunTool) -> None:
    bad = tmp_path / "cut.pdf"
    bad.write_bytes(make_pdf(tmp_path / "x.pdf", ["x"]).read_bytes()[:100])
    with pytest.raises(InvalidInputError):
        run_tool("pdf-docx-converter", [bad])


def test_pdf_to_docx_on_the_sample(run_tool: RunTool) -> None:
    if not SAMPLE_PDF.is_file():
        pytest.skip("shared sample demo_file.pdf absent")
    output, _ = run_tool("pdf-docx-converter", [SAMPLE_PDF])
    text = " ".join(p.text for p in docx.Document(str(output)).paragraphs)
    assert "Sample PDF" in text and "three pages long" in text
