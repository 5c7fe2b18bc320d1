"""Rows from CSV or JSON: a header and typed values, within row and column limits.

CSV text is decoded (UTF-8, else Windows-1252), its delimiter sniffed, and every value
typed: integers, decimals, ISO dates and date-times become numbers and dates; anything
else, including numbers with leading zeros such as "007", stays text. A row with more or
fewer values than the header is refused, naming its line.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from processors.errors import InvalidInputError, LimitExceededError

__all__ = [
    "MAX_CELLS",
    "MAX_COLUMNS",
    "MAX_ROWS",
    "Table",
    "load_csv",
    "load_json",
    "load_rows",
    "typed",
]

MAX_ROWS = 200_000
MAX_COLUMNS = 500
MAX_CELLS = 5_000_000
"""Rows are held in memory while the workbook is built: ~1 GB at this many cells."""

MAX_INT_DIGITS = 4300
"""Python's own limit for converting text to an integer."""
MAX_JSON_DEPTH = 900
"""Roughly where Python's JSON parser runs out of recursion (the limit is 1000 frames)."""

Cell = str | int | float | bool | date | datetime | None

_INTEGER = re.compile(r"^[+-]?(0|[1-9]\d{0,17})$")
_DECIMAL = re.compile(r"^[+-]?(\d+\.\d*|\.\d+|\d+(\.\d*)?[eE][+-]?\d+)$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$")


@dataclass
class Table:
    header: list[str]
    rows: list[list[Cell]] = field(default_factory=list)


def load_rows(path: Path, *, json_input: bool) -> Table:
    return load_json(path) if json_input else load_csv(path)


def typed(text: str) -> Cell:
    """A CSV value as the number or date it spells, else the text itself."""
    value = text.strip()
    if value == "":
        return None
    if _INTEGER.match(value):
        return int(value)
    if _DECIMAL.match(value) and value.lower() not in ("inf", "nan"):
        return float(value)
    try:
        if _DATE.match(value):
            return date.fromisoformat(value)
        if _DATETIME.match(value):
            return datetime.fromisoformat(value)
    except ValueError:
        pass
    return text


def load_csv(path: Path) -> Table:
    text = _decode(path.read_bytes())
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(
            text[:8192], delimiters=",;\t|"
        )
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    table: Table | None = None
    try:
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue  # blank lines
            if table is None:
                table = Table(header=_header(row))
                continue
            if len(row) != len(table.header):
                raise InvalidInputError(
                    f"Line {reader.line_num} has {len(row)} values but the header has "
                    f"{len(table.header)}: every row needs the same number of columns."
                )
            if len(table.rows) >= min(MAX_ROWS, MAX_CELLS // len(row)):
                raise LimitExceededError(_too_big(len(row)))
            table.rows.append([typed(cell) for cell in row])
    except csv.Error as exc:
        if "field limit" in str(exc):
            raise LimitExceededError(
                f"Line {reader.line_num} has a value longer than {csv.field_size_limit()} "
                "characters, the limit for one cell."
            ) from None
        raise InvalidInputError(f"Line {reader.line_num} is not valid CSV: {exc}.") from None
    if table is None:
        raise InvalidInputError("This CSV file is empty.")
    return table


def load_json(path: Path) -> Table:
    """A list of objects (keys become columns, in first-seen order) or of lists."""
    try:
        data = json.loads(_decode(path.read_bytes()), parse_int=_json_int)
    except RecursionError:
        raise InvalidInputError(
            "This JSON nests lists or objects too deeply "
            f"(more than about {MAX_JSON_DEPTH} levels)."
        ) from None
    except ValueError as exc:
        raise InvalidInputError(f"This file is not valid JSON: {exc}.") from None
    if isinstance(data, dict):  # {"rows": [...]} or any object with one list inside
        lists = [v for v in data.values() if isinstance(v, list)]
        data = lists[0] if len(lists) == 1 else data
    if not isinstance(data, list) or not data:
        raise InvalidInputError("The JSON must be a non-empty list of objects or of lists.")
    if len(data) > MAX_ROWS:
        raise LimitExceededError(f"This file has {len(data)} rows; the limit is {MAX_ROWS}.")
    width = max((len(item) for item in data if isinstance(item, dict | list)), default=0)
    if width and len(data) > MAX_CELLS // width:
        raise LimitExceededError(_too_big(width))
    if all(isinstance(item, dict) for item in data):
        keys = list(dict.fromkeys(key for item in data for key in item))
        table = Table(header=_header([str(k) for k in keys]))
        table.rows = [[_json_cell(item.get(key)) for key in keys] for item in data]
        return table
    if all(isinstance(item, list) for item in data):
        table = Table(header=_header([str(v) for v in data[0]]))
        for number, item in enumerate(data[1:], start=2):
            if len(item) != len(table.header):
                raise InvalidInputError(
                    f"Row {number} has {len(item)} values but the header has {len(table.header)}."
                )
            table.rows.append([_json_cell(v) for v in item])
        return table
    raise InvalidInputError("The JSON list must hold only objects, or only lists.")


def _json_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        # Python refuses to convert such a number; say so in words rather than its advice.
        raise InvalidInputError(
            f"This file holds a number with {len(text.lstrip('-'))} digits; "
            f"the limit is {MAX_INT_DIGITS}."
        )
    return int(text)


def _json_cell(value: Any) -> Cell:
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, str):
        return typed(value) if _DATE.match(value) or _DATETIME.match(value) else value
    return value


def _too_big(columns: int) -> str:
    return (
        f"This file is too large: the limit is {MAX_ROWS} rows and {MAX_CELLS} cells "
        f"({MAX_CELLS // columns} rows of {columns} columns)."
    )


def _header(cells: list[str]) -> list[str]:
    if len(cells) > MAX_COLUMNS:
        raise LimitExceededError(f"This file has {len(cells)} columns; the limit is {MAX_COLUMNS}.")
    names = [cell.strip() or f"Column {i}" for i, cell in enumerate(cells, start=1)]
    return names


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")
