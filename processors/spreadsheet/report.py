"""spreadsheet-report: CSV or JSON rows as a styled XLSX report.

The report has an optional title, a coloured bold header, number and date formats per
column, a totals row of live formulas, frozen header panes and an autofilter. It is written
in openpyxl's write-only mode so 200k rows stay within memory; progress follows the
stages of the Excel jobs it replaces: loading, building sheet, totals, saving.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import Field

from processors.base import MB, Category, ProgressCallback, Tool, ToolParams
from processors.formats import SNIFF_BYTES, kind
from processors.labels import enum_labels
from processors.registry import register
from processors.spreadsheet._rows import Table, load_rows
from processors.spreadsheet._workbook import autosize_columns, set_value

ColumnType = Literal["integer", "decimal", "date", "datetime", "text"]
_DATE_FORMATS = {"iso": "yyyy-mm-dd", "day_first": "dd/mm/yyyy", "month_first": "mm/dd/yyyy"}


class SpreadsheetReportParams(ToolParams):
    title: str = Field(
        default="", max_length=120, title="Title", description="Title above the table."
    )
    sheet_name: str = Field(
        default="Report",
        min_length=1,
        max_length=31,
        pattern=r"^[^\[\]:*?\/\\]+$",
        title="Sheet name",
        description="Worksheet name (up to 31 characters, none of [ ] : * ? / \\).",
    )
    decimal_places: int = Field(
        default=2,
        ge=0,
        le=6,
        title="Decimal places",
        description="Digits after the point in decimal columns.",
    )
    thousands_separator: bool = Field(
        default=True, title="Thousands separator", description="Group digits: 1,234,567."
    )
    date_format: Literal["iso", "day_first", "month_first"] = Field(
        default="iso",
        title="Date format",
        description="Dates as 2025-12-31, 31/12/2025 or 12/31/2025.",
        json_schema_extra=enum_labels(
            {
                "iso": "2025-12-31 (ISO)",
                "day_first": "31/12/2025 (day first)",
                "month_first": "12/31/2025 (month first)",
            }
        ),
    )
    totals: Literal["sum", "average", "none"] = Field(
        default="sum",
        title="Totals row",
        description="A last row summing (or averaging) every numeric column.",
        json_schema_extra=enum_labels({"sum": "Sum", "average": "Average", "none": "None"}),
    )
    freeze_header: bool = Field(
        default=True, title="Freeze header row", description="Keep the header visible."
    )
    autofilter: bool = Field(
        default=True, title="Filter buttons", description="Filter buttons on the header."
    )
    header_color: str = Field(
        default="1F4E78",
        pattern=r"^[0-9A-Fa-f]{6}$",
        title="Header colour",
        description="Header fill as hex RRGGBB, e.g. 1F4E78.",
    )


@register
class SpreadsheetReport(Tool[SpreadsheetReportParams]):
    name = "spreadsheet-report"
    display_name = "Spreadsheet report"
    description = (
        "Turn CSV or JSON rows into a styled Excel report: header, number formats, totals, "
        "frozen panes and filters."
    )
    category = Category.SPREADSHEET
    icon = "file-earmark-spreadsheet"
    input_kinds = (kind("csv"), kind("json"))
    output_kinds = (kind("xlsx"),)
    max_file_size = 50 * MB
    timeout_seconds = 600
    Params = SpreadsheetReportParams

    def run(
        self,
        inputs: Sequence[Path],
        output_dir: Path,
        params: SpreadsheetReportParams,
        progress: ProgressCallback,
    ) -> Path:
        from openpyxl import Workbook
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Font, PatternFill
        from openpyxl.utils import get_column_letter

        progress(0, "Loading")
        with inputs[0].open("rb") as handle:
            is_json = kind("json").matches(handle.read(SNIFF_BYTES))
        table = load_rows(inputs[0], json_input=is_json)
        types = [_column_type(table, i) for i in range(len(table.header))]
        formats = [_number_format(t, params) for t in types]

        progress(20, "Building sheet")
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(params.sheet_name)
        autosize_columns(sheet, _widths(table, types))
        header_row = 3 if params.title else 1
        first_data, last_data = header_row + 1, header_row + len(table.rows)
        last_column = get_column_letter(len(table.header))
        # Write-only sheets fix their panes with the first row: set them before any append.
        if params.freeze_header:
            sheet.freeze_panes = f"A{first_data}"
        if params.autofilter:
            sheet.auto_filter.ref = f"A{header_row}:{last_column}{max(last_data, header_row)}"
        if params.title:
            title = WriteOnlyCell(sheet, value=params.title)
            title.font = Font(bold=True, size=14)
            sheet.append([title])
            sheet.append([])

        header_font = Font(bold=True, color="FFFFFF")
        header_fill = PatternFill("solid", fgColor=params.header_color.upper())
        header = []
        for name in table.header:
            cell = WriteOnlyCell(sheet)
            set_value(cell, name)
            cell.font, cell.fill = header_font, header_fill
            header.append(cell)
        sheet.append(header)
        for done, row in enumerate(table.rows, start=1):
            cells = []
            for value, number_format in zip(row, formats, strict=True):
                cell = WriteOnlyCell(sheet)
                set_value(cell, value)
                if number_format and value is not None:
                    cell.number_format = number_format
                cells.append(cell)
            sheet.append(cells)
            if done % 5000 == 0:
                progress(20 + 60 * done / len(table.rows), "Building sheet")

        progress(80, "Totals")
        if params.totals != "none" and table.rows:
            sheet.append(_totals_row(sheet, table, types, formats, params, first_data, last_data))

        progress(90, "Saving")
        output = output_dir / f"{inputs[0].stem or 'report'}-report.xlsx"
        workbook.save(output)
        progress(100, "Done")
        return output


def _totals_row(
    sheet: Any,
    table: Table,
    types: list[ColumnType],
    formats: list[str | None],
    params: SpreadsheetReportParams,
    first: int,
    last: int,
) -> list[Any]:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Border, Font, Side
    from openpyxl.utils import get_column_letter

    function = "SUM" if params.totals == "sum" else "AVERAGE"
    label_column = next((i for i, t in enumerate(types) if t == "text"), None)
    font, border = Font(bold=True), Border(top=Side(style="thin"), bottom=Side(style="double"))
    cells = []
    for index, column_type in enumerate(types):
        cell = WriteOnlyCell(sheet)
        if column_type in ("integer", "decimal"):
            letter = get_column_letter(index + 1)
            cell.value = f"={function}({letter}{first}:{letter}{last})"
            cell.number_format = formats[index] if function == "SUM" else _decimal_format(params)
        elif index == label_column:
            cell.value = "Total" if function == "SUM" else "Average"
        cell.font, cell.border = font, border
        cells.append(cell)
    return cells


def _column_type(table: Table, index: int) -> ColumnType:
    values = [row[index] for row in table.rows if row[index] is not None]
    if not values:
        return "text"
    if all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return "integer"
    if all(isinstance(v, int | float) and not isinstance(v, bool) for v in values):
        return "decimal"
    if all(isinstance(v, datetime) for v in values):
        return "datetime"
    if all(isinstance(v, date) and not isinstance(v, datetime) for v in values):
        return "date"
    return "text"


def _number_format(column_type: ColumnType, params: SpreadsheetReportParams) -> str | None:
    if column_type == "integer":
        return "#,##0" if params.thousands_separator else "0"
    if column_type == "decimal":
        return _decimal_format(params)
    if column_type == "date":
        return _DATE_FORMATS[params.date_format]
    if column_type == "datetime":
        return f"{_DATE_FORMATS[params.date_format]} hh:mm"
    return None


def _decimal_format(params: SpreadsheetReportParams) -> str:
    whole = "#,##0" if params.thousands_separator else "0"
    return f"{whole}.{'0' * params.decimal_places}" if params.decimal_places else whole


def _widths(table: Table, types: list[ColumnType]) -> list[int]:
    sample = table.rows[:2000]
    widths = []
    for index, name in enumerate(table.header):
        longest = max((len(str(row[index])) for row in sample if row[index] is not None), default=0)
        extra = 4 if types[index] in ("integer", "decimal") else 0  # separators, decimals
        widths.append(max(len(name) + 3, longest + extra))  # + 3: the filter button
    return widths
