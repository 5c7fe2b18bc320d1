"""pdf-docx-converter: PDF pages to an editable Word document (pdf2docx), page by page."""

from __future__ import annotations

import logging
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import Field

from processors.base import MB, Category, ProgressCallback, Tool, ToolParams
from processors.errors import InvalidInputError
from processors.formats import kind
from processors.pdf._document import (
    PAGE_RANGE_PATTERN,
    check_page_images,
    open_pdf,
    parse_page_range,
)
from processors.registry import register

logger = logging.getLogger(__name__)

MAX_DOCX_PAGES = 200
"""Layout analysis is slow (about a second a page): fewer pages than the other PDF tools."""


class PdfToDocxParams(ToolParams):
    page_range: str = Field(
        default="",
        max_length=200,
        pattern=PAGE_RANGE_PATTERN,
        title="Page range",
        description="Pages to convert, e.g. 1-3, 5, 8- (empty: every page).",
    )


@register
class PdfDocxConverter(Tool[PdfToDocxParams]):
    name = "pdf-docx-converter"
    display_name = "PDF to Word"
    description = "Convert PDF pages into an editable Word (.docx) document."
    category = Category.PDF
    icon = "file-earmark-word"
    input_kinds = (kind("pdf"),)
    output_kinds = (kind("docx"),)
    max_file_size = 50 * MB
    timeout_seconds = 600
    Params = PdfToDocxParams

    def run(
        self,
        inputs: Sequence[Path],
        output_dir: Path,
        params: PdfToDocxParams,
        progress: ProgressCallback,
    ) -> Path:
        with warnings.catch_warnings():  # pdf2docx still imports PyMuPDF as `fitz`
            warnings.simplefilter("ignore", FutureWarning)
            from pdf2docx import Converter

        progress(0, "Opening document")
        with open_pdf(inputs[0], max_pages=MAX_DOCX_PAGES) as document:
            pages = parse_page_range(params.page_range, document.page_count)
            for index in pages:
                check_page_images(document[index])
        output = output_dir / f"{inputs[0].stem or 'document'}.docx"
        converter = Converter(str(inputs[0]))
        try:
            settings: dict[str, Any] = {**converter.default_settings, "raw_exceptions": False}
            # The steps of Converter.convert, unrolled so that each page reports progress.
            converter.load_pages(pages=pages)
            progress(5, "Analysing layout")
            converter.parse_document(**settings)
            to_parse = [page for page in converter.pages if not page.skip_parsing]
            for done, page in enumerate(to_parse, start=1):
                try:
                    page.parse(**settings)
                except Exception as exc:  # one bad page must not sink the document
                    logger.warning("skipping page %d: %s", page.id + 1, exc)
                progress(5 + 85 * done / len(to_parse), f"Converting page {done}/{len(to_parse)}")
            progress(90, "Writing document")
            converter.make_docx(str(output), **settings)
        except InvalidInputError:
            raise
        except Exception as exc:
            logger.warning("pdf2docx failed: %s", exc)
            raise InvalidInputError(
                "This PDF could not be converted to Word: its layout could not be read."
            ) from None
        finally:
            converter.close()
        progress(100, "Done")
        return output
