"""Workbook helpers: opening uploaded XLSX safely and writing cells that stay data.

An XLSX is a ZIP of XML parts: before openpyxl reads one, its member count and
uncompressed size are checked (zip bombs), and openpyxl itself parses the XML through
defusedxml, which is installed. Text that starts with "=" is written as text, never as a
formula, so an uploaded CSV cannot smuggle formulas into a workbook.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from processors.errors import InvalidInputError, LimitExceededError

if TYPE_CHECKING:
    from openpyxl.cell.cell import Cell as XlCell
    from openpyxl.workbook import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

__all__ = ["MAX_UNCOMPRESSED", "autosize_columns", "open_workbook", "set_value"]

MAX_UNCOMPRESSED = 300 * 1024 * 1024
MAX_MEMBERS = 10_000
MAX_RATIO = 200
"""Deflate reaches ~100:1 on repetitive sheet XML; bombs go far beyond."""


def open_workbook(path: Path) -> Workbook:
    """The uploaded workbook, read-only, values rather than formulas."""
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError):
        raise InvalidInputError("This file is not a valid XLSX workbook (damaged ZIP).") from None
    if len(members) > MAX_MEMBERS:
        raise LimitExceededError(f"This workbook has over {MAX_MEMBERS} parts.")
    total = sum(m.file_size for m in members)
    packed = sum(m.compress_size for m in members) or 1
    if total > MAX_UNCOMPRESSED or total / packed > MAX_RATIO:
        raise LimitExceededError(
            "This workbook expands to too much data when unpacked (a possible zip bomb)."
        )
    try:
        return load_workbook(path, read_only=True, data_only=True)
    except Exception:  # openpyxl raises KeyError, ValueError, InvalidFileException...
        raise InvalidInputError("This file could not be read as an XLSX workbook.") from None


def set_value(cell: XlCell, value: Any) -> None:
    """Store `value`; a string that looks like a formula stays a string."""
    cell.value = value
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"


def autosize_columns(sheet: Worksheet, widths: list[int], *, minimum: int = 8) -> None:
    """Column widths from the longest text seen in each column (capped)."""
    from openpyxl.utils import get_column_letter

    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(max(width + 2, minimum), 60)
