"""pdf-to-images: render each page to PNG or JPEG at a chosen DPI, all in one ZIP."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Literal

from pydantic import Field

from processors.base import MB, Category, ProgressCallback, Tool, ToolParams
from processors.errors import LimitExceededError
from processors.formats import kind
from processors.labels import enum_labels
from processors.pdf._archive import ZipWriter
from processors.pdf._document import (
    PAGE_RANGE_PATTERN,
    check_page_images,
    open_pdf,
    parse_page_range,
)
from processors.registry import register

MAX_PAGE_PIXELS = 40_000_000
"""An A4 page at 600 DPI is 35 MP; a huge page size times a high DPI is refused."""


class PdfToImagesParams(ToolParams):
    format: Literal["png", "jpeg"] = Field(
        default="png",
        title="Image format",
        description="PNG (lossless) or JPEG (smaller).",
        json_schema_extra=enum_labels({"png": "PNG", "jpeg": "JPEG"}),
    )
    dpi: int = Field(
        default=150,
        ge=36,
        le=600,
        title="Resolution (DPI)",
        description="Resolution in dots per inch.",
    )
    jpeg_quality: int = Field(
        default=85,
        ge=10,
        le=100,
        title="JPEG quality",
        description="For JPEG: 10 (smallest) to 100 (best).",
    )
    page_range: str = Field(
        default="",
        max_length=200,
        pattern=PAGE_RANGE_PATTERN,
        title="Page range",
        description="Pages to render, e.g. 1-3, 5, 8- (empty: every page).",
    )


@register
class PdfToImages(Tool[PdfToImagesParams]):
    name = "pdf-to-images"
    display_name = "PDF to images"
    description = "Render PDF pages as PNG or JPEG images at a chosen resolution (ZIP)."
    category = Category.PDF
    icon = "file-earmark-image"
    input_kinds = (kind("pdf"),)
    output_kinds = (kind("zip"),)
    max_file_size = 50 * MB
    timeout_seconds = 600
    Params = PdfToImagesParams

    def run(
        self,
        inputs: Sequence[Path],
        output_dir: Path,
        params: PdfToImagesParams,
        progress: ProgressCallback,
    ) -> Path:
        progress(0, "Opening document")
        output = output_dir / f"{inputs[0].stem or 'document'}-pages.zip"
        scale = params.dpi / 72
        extension = "jpg" if params.format == "jpeg" else "png"
        with open_pdf(inputs[0]) as document:
            pages = parse_page_range(params.page_range, document.page_count)
            width = len(str(document.page_count))
            # Images are compressed already: store them rather than deflate again.
            with ZipWriter(output, compress=False) as archive:
                for done, index in enumerate(pages, start=1):
                    page = document[index]
                    pixels = page.rect.width * scale * page.rect.height * scale
                    if pixels > MAX_PAGE_PIXELS:
                        raise LimitExceededError(
                            f"Page {index + 1} would be {pixels / 1e6:.0f} megapixels at "
                            f"{params.dpi} DPI; the limit is {MAX_PAGE_PIXELS // 1_000_000}. "
                            "Choose a lower DPI."
                        )
                    check_page_images(page)
                    pixmap = page.get_pixmap(dpi=params.dpi, alpha=False)
                    data = (
                        pixmap.tobytes("jpeg", jpg_quality=params.jpeg_quality)
                        if params.format == "jpeg"
                        else pixmap.tobytes("png")
                    )
                    archive.add(f"page-{index + 1:0{width}d}.{extension}", data)
                    progress(100 * done / len(pages), f"Rendered page {done}/{len(pages)}")
        return output
