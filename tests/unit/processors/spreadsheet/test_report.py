"""spreadsheet-report: read back with openpyxl: styles, formats, totals, panes, filter."""

from __future__ import annotations

import zipfile
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest

from processors.errors import InvalidInputError
from tests.unit.processors.spreadsheet.conftest import RunTool


def test_report_styles_formats_totals_panes_and_filter(sales_csv: Path, run_tool: RunTool) -> None:
    output, calls = run_tool("spreadsheet-report", [sales_csv], title="Q1 sales")
    sheet = openpyxl.load_workbook(output)["Report"]
    assert sheet["A1"].value == "Q1 sales" and sheet["A1"].font.bold
    assert [c.value for c in sheet[3]] == ["region", "units", "price", "day"]
    assert sheet["A3"].font.bold and sheet["A3"].fill.fgColor.rgb.endswith("1F4E78")
    assert (sheet["B4"].value, sheet["B4"].number_format) == (1200, "#,##0")
    assert (sheet["C5"].value, sheet["C5"].number_format) == (12.25, "#,##0.00")
    assert sheet["D4"].value == datetime(2025, 1, 2) and sheet["D4"].number_format == "yyyy-mm-dd"
    assert [c.value for c in sheet[6]] == ["Total", "=SUM(B4:B5)", "=SUM(C4:C5)", None]
    assert sheet["B6"].font.bold
    assert sheet.freeze_panes == "A4"
    assert sheet.auto_filter.ref == "A3:D5"
    steps = [s for _, s in calls]
    assert steps == ["Loading", "Building sheet", "Totals", "Saving", "Done"]
    percents = [p for p, _ in calls]
    assert percents == sorted(percents)


def test_report_options_change_the_sheet(sales_csv: Path, run_tool: RunTool) -> None:
    output, _ = run_tool(
        "spreadsheet-report",
        [sales_csv],
        sheetName="Data",
        totals="average",
        decimalPlaces=1,
        thousandsSeparator=False,
        dateFormat="day_first",
        freezeHeader=False,
        autofilter=False,
    )
    sheet = openpyxl.load_workbook(output)["Data"]
    assert sheet["B2"].number_format == "0" and sheet["C2"].number_format == "0.0"
    assert sheet["D2"].number_format == "dd/mm/yyyy"
    assert [c.value for c in sheet[4]][:2] == ["Average", "=AVERAGE(B2:B3)"]
    assert sheet.freeze_panes is None and sheet.auto_filter.ref is None


def test_report_from_json_rows(tmp_path: Path, run_tool: RunTool) -> None:
    path = tmp_path / "rows.json"
    path.write_text('[{"name": "a", "n": 1}, {"name": "b", "n": 2.5}]', encoding="utf-8")
    output, _ = run_tool("spreadsheet-report", [path])
    sheet = openpyxl.load_workbook(output).active
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [
        ["name", "n"],
        ["a", 1],
        ["b", 2.5],
        ["Total", "=SUM(B2:B3)"],
    ]


def test_report_keeps_formula_looking_text_as_text(tmp_path: Path, run_tool: RunTool) -> None:
    path = tmp_path / "evil.csv"
    path.write_text('name,qty\n"=HYPERLINK(""http://x"")",1\n', encoding="utf-8")
    output, _ = run_tool("spreadsheet-report", [path], totals="none")
    sheet = openpyxl.load_workbook(output).active
    assert sheet["A2"].data_type == "s"
    with zipfile.ZipFile(output) as archive:
        assert b"<f>" not in archive.read("xl/worksheets/sheet1.xml")


def test_report_refuses_ragged_rows(tmp_path: Path, run_tool: RunTool) -> None:
    path = tmp_path / "ragged.csv"
    path.write_text("a,b\n1,2,3\n", encoding="utf-8")
    with pytest.raises(InvalidInputError, match="Line 2"):
        run_tool("spreadsheet-report", [path])
