"""csv-xlsx-converter: CSV to XLSX (typed cells) or XLSX to CSV (one sheet)."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, Literal

from pydantic import Field

from processors.base import MB, Category, ProgressCallback, Tool, ToolParams
from processors.csv_cells import escape_formula
from processors.errors import InvalidInputError, LimitExceededError
from processors.formats import SNIFF_BYTES, kind
from processors.labels import enum_labels
from processors.registry import register
from processors.spreadsheet._rows import MAX_COLUMNS, MAX_ROWS, load_csv
from processors.spreadsheet._workbook import autosize_columns, open_workbook, set_value

_DELIMITERS = {"comma": ",", "semicolon": ";", "tab": "\t"}


class CsvXlsxParams(ToolParams):
    sheet: str = Field(
        default="",
        max_length=31,
        title="Sheet name",
        description="XLSX to CSV: the sheet to export by name (empty: the first sheet).",
    )
    delimiter: Literal["comma", "semicolon", "tab"] = Field(
        default="comma",
        title="Delimiter",
        description="XLSX to CSV: the separator between values.",
        json_schema_extra=enum_labels(
            {"comma": "Comma (,)", "semicolon": "Semicolon (;)", "tab": "Tab"}
        ),
    )
    escape_formulas: bool = Field(
        default=True,
        description=(
            "XLSX to CSV: start text cells beginning with = + - @ (or a tab or carriage "
            "return) with a ' so spreadsheet apps show them as text instead of running them "
            "as formulas."
        ),
    )


@register
class CsvXlsxConverter(Tool[CsvXlsxParams]):
    name = "csv-xlsx-converter"
    display_name = "CSV ⇄ Excel"
    description = "Convert a CSV file to an Excel workbook, or one sheet of a workbook to CSV."
    category = Category.SPREADSHEET
    icon = "arrow-left-right"
    input_kinds = (kind("csv"), kind("xlsx"))
    output_kinds = (kind("xlsx"), kind("csv"))
    max_file_size = 50 * MB
    timeout_seconds = 600
    Params = CsvXlsxParams

    def run(
        self,
        inputs: Sequence[Path],
        output_dir: Path,
        params: CsvXlsxParams,
        progress: ProgressCallback,
    ) -> Path:
        with inputs[0].open("rb") as handle:
            head = handle.read(SNIFF_BYTES)
        stem = inputs[0].stem or "sheet"
        if head.startswith(b"PK"):
            return _xlsx_to_csv(inputs[0], output_dir / f"{stem}.csv", params, progress)
        return _csv_to_xlsx(inputs[0], output_dir / f"{stem}.xlsx", progress)


def _csv_to_xlsx(source: Path, output: Path, progress: ProgressCallback) -> Path:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    progress(0, "Reading CSV")
    table = load_csv(source)
    progress(30, "Writing workbook")
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(source.stem[:31] or "Sheet1")
    widths = [
        max((len(str(r[i])) for r in table.rows[:2000]), default=0)
        for i in range(len(table.header))
    ]
    autosize_columns(sheet, [max(w, len(h)) for w, h in zip(widths, table.header, strict=True)])
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for name in table.header:
        cell = WriteOnlyCell(sheet)
        set_value(cell, name)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for row in table.rows:
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet)
            set_value(cell, value)
            if isinstance(value, datetime):
                cell.number_format = "yyyy-mm-dd hh:mm:ss"
            elif isinstance(value, date):
                cell.number_format = "yyyy-mm-dd"
            cells.append(cell)
        sheet.append(cells)
    progress(90, "Saving")
    workbook.save(output)
    progress(100, "Done")
    return output


def _xlsx_to_csv(
    source: Path, output: Path, params: CsvXlsxParams, progress: ProgressCallback
) -> Path:
    progress(0, "Opening workbook")
    workbook = open_workbook(source)
    try:
        if params.sheet:
            if params.sheet not in workbook.sheetnames:
                names = ", ".join(workbook.sheetnames)
                raise InvalidInputError(f'No sheet called "{params.sheet}"; sheets: {names}.')
            sheet = workbook[params.sheet]
        else:
            sheet = workbook.worksheets[0]
        progress(20, "Writing CSV")
        with output.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, delimiter=_DELIMITERS[params.delimiter])
            for count, row in enumerate(sheet.iter_rows(values_only=True), start=1):
                if count > MAX_ROWS + 1:
                    raise LimitExceededError(f"This sheet has over {MAX_ROWS} rows.")
                if len(row) > MAX_COLUMNS:
                    raise LimitExceededError(f"This sheet has over {MAX_COLUMNS} columns.")
                values = [_text(v) for v in row]
                if params.escape_formulas:
                    values = [escape_formula(v) for v in values]
                writer.writerow(values)
    except (InvalidInputError, OSError):
        raise
    except Exception:  # a damaged part inside a valid ZIP surfaces only while reading
        raise InvalidInputError(
            "This workbook could not be read: a part of it is damaged."
        ) from None
    finally:
        workbook.close()
    progress(100, "Done")
    return output


def _text(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat(sep=" ") if value.time() != time() else value.date().isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value
