"""csv-xlsx-converter: both directions, sheets by name, damaged and bomb XLSX."""

from __future__ import annotations

import csv
import zipfile
from pathlib import Path

import openpyxl
import pytest

from processors.errors import InvalidInputError, LimitExceededError
from tests.unit.processors.spreadsheet.conftest import RunTool


def test_csv_to_xlsx_and_back(sales_csv: Path, run_tool: RunTool) -> None:
    xlsx, _ = run_tool("csv-xlsx-converter", [sales_csv])
    assert xlsx.suffix == ".xlsx"
    sheet = openpyxl.load_workbook(xlsx).active
    assert sheet["B2"].value == 1200 and sheet["C3"].value == 12.25
    assert sheet.freeze_panes == "A2"
    back, _ = run_tool("csv-xlsx-converter", [xlsx], delimiter="semicolon")
    assert back.suffix == ".csv"
    with back.open(encoding="utf-8") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    assert rows == [
        ["region", "units", "price", "day"],
        ["North", "1200", "9.5", "2025-01-02"],
        ["South", "30", "12.25", "2025-01-03"],
    ]


def test_xlsx_to_csv_picks_a_sheet_by_name(tmp_path: Path, run_tool: RunTool) -> None:
    workbook = openpyxl.Workbook()
    workbook.active.append(["first"])
    workbook.create_sheet("Second").append(["x", 2])
    path = tmp_path / "two.xlsx"
    workbook.save(path)
    output, _ = run_tool("csv-xlsx-converter", [path], sheet="Second")
    assert output.read_text(encoding="utf-8").strip() == "x,2"
    with pytest.raises(InvalidInputError, match='No sheet called "Third"'):
        run_tool("csv-xlsx-converter", [path], sheet="Third")


def test_damaged_xlsx_is_refused(tmp_path: Path, run_tool: RunTool) -> None:
    path = tmp_path / "bad.xlsx"
    path.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    with pytest.raises(InvalidInputError, match="not a valid XLSX"):
        run_tool("csv-xlsx-converter", [path])


def test_zip_bomb_xlsx_is_refused(tmp_path: Path, run_tool: RunTool) -> None:
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * 50_000_000)
    with pytest.raises(LimitExceededError, match="zip bomb"):
        run_tool("csv-xlsx-converter", [path])
