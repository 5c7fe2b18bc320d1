"""spreadsheet-report and csv-xlsx-converter, read back with openpyxl."""

from __future__ import annotations

import csv
import zipfile
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest

from processors.errors import InvalidInputError, LimitExceededError
from tests.unit.processors.spreadsheet.conftest import RunTool

SALES = "region,units,price,day\nNorth,1200,9.5,2025-01-02\nSouth,30,12.25,2025-01-03\n"


@pytest.fixture
def sales_csv(tmp_path: Path) -> Path:
    path = tmp_path / "sales.csv"
    path.write_text(SALES, encoding="utf-8")
    return path


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
    with pytest.raises(InvalidInputError, match="No sheet called 'Third'"):
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
