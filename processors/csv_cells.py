"""CSV cells a spreadsheet will not run: OWASP's guidance against CSV (formula) injection.

A spreadsheet application opening a CSV treats a cell starting with `=`, `+`, `-` or `@`
as a formula (`=HYPERLINK(...)`, `=cmd|' /C calc'!A0`), and a leading tab or carriage return
can hide such a start. Text cells starting with one of these get a leading single quote, so
they show as the text they are; numbers are written as numbers and never touched. The csv
module quotes cells holding separators or quotes. Tools that write CSV offer
`escapeFormulas` (on by default) for people who need the raw text.
"""

from __future__ import annotations

from typing import Any

__all__ = ["FORMULA_STARTS", "escape_formula"]

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def escape_formula(value: Any) -> Any:
    """`value`, with a leading `'` when it is text a spreadsheet would read as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
