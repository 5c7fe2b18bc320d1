"""The spreadsheet tools as the pipeline sees them: which uploads they accept."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from processors.registry import get_tool


def test_report_takes_csv_and_json() -> None:
    tool = get_tool("spreadsheet-report")
    assert tool is not None
    assert tool.match_input("a.csv", b"a,b\n1,2\n") is not None
    assert tool.match_input("a.json", b'[{"a": 1}]') is not None
    assert tool.match_input("a.csv", b"\x89PNG\r\n\x1a\n\x00\x00") is None


def test_converter_takes_csv_and_xlsx(tmp_path: Path) -> None:
    tool = get_tool("csv-xlsx-converter")
    assert tool is not None
    path = tmp_path / "a.xlsx"
    openpyxl.Workbook().save(path)
    assert tool.match_input("a.xlsx", path.read_bytes()[:8192]) is not None
    assert tool.match_input("a.csv", b"a;b\n1;2\n") is not None
