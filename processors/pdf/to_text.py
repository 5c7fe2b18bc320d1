"""pdf-to-text: the text of each page, in reading order, as UTF-8 plain text."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from pydantic import Field

from processors.base import MB, Category, ProgressCallback, Tool, ToolParams
from processors.formats import kind
from processors.pdf._document import PAGE_RANGE_PATTERN, open_pdf, parse_page_range
from processors.registry import register


class PdfToTextParams(ToolParams):
    page_range: str = Field(
        default="",
        max_length=200,
        pattern=PAGE_RANGE_PATTERN,
        title="Page range",
        description="Pages to extract, e.g. 1-3, 5, 8- (empty: every page).",
    )
    page_headers: bool = Field(
        default=True,
        title="Page headers",
        description="Start each page with a line '--- Page N ---'.",
    )
    sort_blocks: bool = Field(
        default=True,
        title="Reading order",
        description="Order text top-to-bottom, left-to-right.",
    )


@register
class PdfToText(Tool[PdfToTextParams]):
    name = "pdf-to-text"
    display_name = "PDF to text"
    description = "Extract the text of a PDF as a plain UTF-8 text file."
    category = Category.PDF
    icon = "file-earmark-text"
    input_kinds = (kind("pdf"),)
    output_kinds = (kind("text"),)
    max_file_size = 50 * MB
    timeout_seconds = 300
    Params = PdfToTextParams

    def run(
        self,
        inputs: Sequence[Path],
        output_dir: Path,
        params: PdfToTextParams,
        progress: ProgressCallback,
    ) -> Path:
        progress(0, "Opening document")
        output = output_dir / f"{inputs[0].stem or 'document'}.txt"
        with open_pdf(inputs[0]) as document, output.open("w", encoding="utf-8") as out:
            pages = parse_page_range(params.page_range, document.page_count)
            for done, index in enumerate(pages, start=1):
                text = document[index].get_text("text", sort=params.sort_blocks)
                if params.page_headers:
                    out.write(f"--- Page {index + 1} ---\n")
                out.write(text.rstrip("\n") + "\n")
                if done < len(pages):
                    out.write("\n")
                progress(100 * done / len(pages), f"Extracted page {done}/{len(pages)}")
        return output
