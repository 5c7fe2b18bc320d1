"""The PDF tools as the pipeline sees them: catalog entries and the input check."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from PIL import Image

from processors.formats import SNIFF_BYTES
from processors.registry import get_tool
from tests.unit.processors.pdf.conftest import make_pdf

PDF_TOOLS = ["pdf-docx-converter", "pdf-to-images", "pdf-to-text", "pdf-merge", "pdf-split"]


@pytest.mark.parametrize("name", [*PDF_TOOLS, "images-to-pdf"])
def test_catalog_entry_is_json_with_a_parameter_schema(name: str) -> None:
    tool = get_tool(name)
    assert tool is not None
    entry = json.loads(json.dumps(tool.describe()))
    assert entry["category"] == "pdf" and entry["parameters"]["type"] == "object"
    assert entry["outputTypes"] and entry["maxFileSize"] > 0


@pytest.mark.parametrize("name", PDF_TOOLS)
def test_a_real_pdf_is_accepted_and_a_renamed_image_is_not(name: str, tmp_path: Path) -> None:
    tool = get_tool(name)
    assert tool is not None
    head = make_pdf(tmp_path / "a.pdf", ["x"]).read_bytes()[:SNIFF_BYTES]
    assert tool.match_input("a.pdf", head) is not None
    png = io.BytesIO()
    Image.new("RGB", (4, 4)).save(png, "PNG")
    assert tool.match_input("fake.pdf", png.getvalue()) is None


def test_merge_takes_two_to_twenty_files() -> None:
    tool = get_tool("pdf-merge")
    assert tool is not None and (tool.min_files, tool.max_files) == (2, 20)
