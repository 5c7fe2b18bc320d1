"""pdf-split: one PDF into several, by page ranges or every N pages, all in one ZIP."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Literal

from pydantic import Field

from processors.base import MB, Category, ProgressCallback, Tool, ToolParams
from processors.errors import InvalidInputError
from processors.formats import kind
from processors.labels import enum_labels
from processors.pdf._archive import ZipWriter
from processors.pdf._document import PAGE_RANGE_PATTERN, open_pdf, parse_ranges
from processors.registry import register


class PdfSplitParams(ToolParams):
    mode: Literal["ranges", "every_n_pages"] = Field(
        default="every_n_pages",
        title="Split by",
        description="Split by the listed page ranges, or into chunks of N pages.",
        json_schema_extra=enum_labels({"ranges": "Page ranges", "every_n_pages": "Every N pages"}),
    )
    ranges: str = Field(
        default="",
        max_length=500,
        pattern=PAGE_RANGE_PATTERN,
        title="Page ranges",
        description="When splitting by page ranges: one file per range, e.g. 1-3, 4-6, 7-.",
    )
    pages_per_file: int = Field(
        default=1,
        ge=1,
        le=500,
        title="Pages per file",
        description="When splitting every N pages: the pages in each file.",
    )


@register
class PdfSplit(Tool[PdfSplitParams]):
    name = "pdf-split"
    display_name = "Split PDF"
    description = "Split a PDF into several files by page ranges or every N pages (ZIP)."
    category = Category.PDF
    icon = "scissors"
    input_kinds = (kind("pdf"),)
    output_kinds = (kind("zip"),)
    max_file_size = 50 * MB
    timeout_seconds = 300
    Params = PdfSplitParams

    def run(
        self,
        inputs: Sequence[Path],
        output_dir: Path,
        params: PdfSplitParams,
        progress: ProgressCallback,
    ) -> Path:
        import pymupdf

        progress(0, "Opening document")
        stem = inputs[0].stem or "document"
        output = output_dir / f"{stem}-split.zip"
        with open_pdf(inputs[0]) as document:
            count = document.page_count
            if params.mode == "ranges":
                if not params.ranges.strip():
                    raise InvalidInputError("List the page ranges to split by, e.g. 1-3, 4-6.")
                parts = parse_ranges(params.ranges, count)
            else:
                step = params.pages_per_file
                parts = [list(range(i, min(i + step, count))) for i in range(0, count, step)]
            with ZipWriter(output) as archive:
                for done, pages in enumerate(parts, start=1):
                    with pymupdf.open() as part:
                        for index in pages:
                            part.insert_pdf(document, from_page=index, to_page=index)
                        label = (
                            f"{pages[0] + 1}"
                            if len(pages) == 1
                            else (f"{pages[0] + 1}-{pages[-1] + 1}")
                        )
                        archive.add(
                            f"{done:03d}-{stem}-pages-{label}.pdf",
                            part.tobytes(garbage=3, deflate=True),
                        )
                    progress(100 * done / len(parts), f"Wrote file {done}/{len(parts)}")
        return output
