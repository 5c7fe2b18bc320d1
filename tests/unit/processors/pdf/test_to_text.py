"""pdf-to-text: words of the chosen pages, in order, with page headers."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.unit.processors.pdf.conftest import (
    SAMPLE_PDF,
    RunTool,
    increasing,
)


def test_pdf_to_text_keeps_page_order_and_headers(five_page_pdf: Path, run_tool: RunTool) -> None:
    output, calls = run_tool("pdf-to-text", [five_page_pdf], pageRange="2-3")
    text = output.read_text(encoding="utf-8")
    assert output.suffix == ".txt"
    assert "--- Page 2 ---" in text and "alpha2" in text and "alpha3" in text
    assert "alpha1" not in text and "alpha4" not in text
    assert text.index("alpha2") < text.index("alpha3")
    assert increasing(calls)


def test_pdf_to_text_on_the_sample(run_tool: RunTool) -> None:
    if not SAMPLE_PDF.is_file():
        pytest.skip("shared sample demo_file.pdf absent")
    output, _ = run_tool("pdf-to-text", [SAMPLE_PDF], pageHeaders=False)
    assert "three pages long" in output.read_text(encoding="utf-8")
