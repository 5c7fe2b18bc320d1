"""Opening PDFs safely and reading page ranges: what every PDF tool needs first.

`open_pdf` turns PyMuPDF's failures (not a PDF, truncated, encrypted, too many pages)
into InvalidInputError / LimitExceededError with a message a person understands.
`parse_page_range` reads "1-3, 5, 8-" style ranges (1-based, inclusive) into page indexes.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from processors.errors import InvalidInputError, LimitExceededError

if TYPE_CHECKING:
    import pymupdf

__all__ = [
    "MAX_IMAGE_PIXELS",
    "MAX_PAGES",
    "PAGE_RANGE_PATTERN",
    "check_page_images",
    "open_pdf",
    "parse_page_range",
    "parse_ranges",
]

MAX_PAGES = 500
"""The most pages a PDF tool reads from one document (and writes into one output)."""

MAX_IMAGE_PIXELS = 100_000_000
"""The largest image a page may embed before rendering or converting it (decoded in full)."""

PAGE_RANGE_PATTERN = r"^\s*(all|(\d+\s*(-\s*\d*)?\s*)(,\s*\d+\s*(-\s*\d*)?\s*)*)?\s*$"
"""What a page-range parameter looks like: empty or "all", or "1-3, 5, 8-"."""

_PART = re.compile(r"^(\d+)\s*(?:(-)\s*(\d*))?$")


def open_pdf(path: Path, *, max_pages: int = MAX_PAGES) -> pymupdf.Document:
    """The document at `path`, checked: a readable PDF of 1..max_pages pages that needs no
    password to open (an owner password alone only sets permission flags: it is opened)."""
    import pymupdf

    try:
        document = pymupdf.open(path, filetype="pdf")
    except Exception:  # PyMuPDF raises FileDataError, RuntimeError, ValueError...
        raise InvalidInputError(
            "This file could not be read as a PDF: it is damaged or not a PDF."
        ) from None
    if document.needs_pass or document.is_encrypted:
        document.close()
        raise InvalidInputError(
            "This PDF is password-protected. Remove the password and upload it again."
        )
    if document.page_count == 0:
        document.close()
        raise InvalidInputError("This PDF has no pages (it may be damaged or truncated).")
    if document.page_count > max_pages:
        count = document.page_count
        document.close()
        raise LimitExceededError(f"This PDF has {count} pages; the limit is {max_pages}.")
    return document


def parse_ranges(spec: str, page_count: int) -> list[list[int]]:
    """Each comma-separated part of `spec` as a list of 0-based page indexes.

    "1-3, 5, 8-" on a 10-page document gives [[0, 1, 2], [4], [7, 8, 9]]. An empty spec
    or "all" gives one range with every page.
    """
    text = spec.strip().lower()
    if text in ("", "all"):
        return [list(range(page_count))]
    ranges: list[list[int]] = []
    for part in text.split(","):
        match = _PART.match(part.strip())
        if match is None:
            raise InvalidInputError(
                f'Page range "{part.strip()}" is not understood: use forms like 1-3, 5 or 8-.'
            )
        first = int(match.group(1))
        last = first if not match.group(2) else int(match.group(3) or page_count)
        if first < 1 or last < first:
            raise InvalidInputError(f'Page range "{part.strip()}" is empty or backwards.')
        if first > page_count:
            raise InvalidInputError(
                f"Page {first} does not exist: the document has {page_count} pages."
            )
        ranges.append(list(range(first - 1, min(last, page_count))))
    return ranges


def parse_page_range(spec: str, page_count: int) -> list[int]:
    """The 0-based page indexes `spec` names, in document order, each once."""
    return sorted({index for part in parse_ranges(spec, page_count) for index in part})


def check_page_images(page: pymupdf.Page) -> None:
    """Refuse a page embedding an image too large to decode (a decompression bomb).

    MuPDF decodes an embedded image whole, however small it is drawn; the declared
    width and height are read from the image dictionary without decoding anything.
    """
    for image in page.get_images(full=True):
        width, height = int(image[2] or 0), int(image[3] or 0)
        if width * height > MAX_IMAGE_PIXELS:
            raise LimitExceededError(
                f"Page {page.number + 1} embeds an image of {width}x{height} pixels, too large "
                "to process safely."
            )
