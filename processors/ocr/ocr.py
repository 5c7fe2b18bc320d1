"""ocr: the text in an image or a PDF page, as JSON (text, lines, boxes, confidence) or TXT.

JSON output: {"text": "...", "lines": [{"text", "confidence", "box"}], "width", "height",
"source": {...}}. Boxes are four [x, y] corners in pixels of the input image, or of the
PDF page rendered at `dpi`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field

from processors.base import MB, Category, ProgressCallback, Tool, ToolParams
from processors.errors import InvalidInputError, LimitExceededError
from processors.formats import SNIFF_BYTES, kind
from processors.labels import enum_labels
from processors.ocr._engine import MAX_SIDE, recognise
from processors.registry import register

if TYPE_CHECKING:
    from PIL import Image

MAX_INPUT_PIXELS = 50_000_000


class OcrParams(ToolParams):
    output: Literal["json", "text"] = Field(
        default="json",
        title="Output format",
        description="JSON with lines, boxes and confidence, or plain text.",
        json_schema_extra=enum_labels(
            {"json": "JSON (lines, boxes, confidence)", "text": "Plain text"}
        ),
    )
    page: int = Field(
        default=1, ge=1, le=500, title="Page (PDF)", description="For a PDF: the page to read."
    )
    dpi: int = Field(
        default=200,
        ge=72,
        le=400,
        title="Resolution (DPI)",
        description="For a PDF: rendering resolution in dots per inch.",
    )
    min_confidence: float = Field(
        default=0.5,
        ge=0,
        le=1,
        title="Minimum confidence",
        description="Drop lines recognised with less confidence (0 to 1).",
    )
    upside_down: bool = Field(
        default=False,
        title="Read upside-down lines",
        description="Also read lines printed upside down (slower; may misread a few lines).",
    )


@register
class Ocr(Tool[OcrParams]):
    name = "ocr"
    display_name = "OCR (image to text)"
    description = "Recognise the text in an image or a PDF page, with boxes and confidence."
    category = Category.OCR
    icon = "fonts"
    input_kinds = tuple(kind(n) for n in ("png", "jpeg", "webp", "tiff", "bmp", "pdf"))
    output_kinds = (kind("json"), kind("text"))
    max_file_size = 20 * MB
    timeout_seconds = 180
    Params = OcrParams

    def run(
        self,
        inputs: Sequence[Path],
        output_dir: Path,
        params: OcrParams,
        progress: ProgressCallback,
    ) -> Path:
        import numpy as np
        from PIL import Image

        progress(0, "Loading image")
        with inputs[0].open("rb") as handle:
            is_pdf = kind("pdf").matches(handle.read(SNIFF_BYTES))
        if is_pdf:
            image, source = (
                _render_pdf_page(inputs[0], params),
                {
                    "kind": "pdf",
                    "page": params.page,
                    "dpi": params.dpi,
                },
            )
        else:
            image, source = _load_image(inputs[0]), {"kind": "image"}
        width, height = image.size
        scale = min(1.0, MAX_SIDE / max(width, height))
        if scale < 1:  # larger images are shrunk for recognition; boxes are mapped back
            size = (round(width * scale), round(height * scale))
            image = image.resize(size, Image.Resampling.LANCZOS)
        progress(20, "Recognising text")
        bgr = np.ascontiguousarray(np.asarray(image.convert("RGB"))[:, :, ::-1])
        lines = [
            line
            for line in recognise(bgr, scale=scale, upside_down=params.upside_down)
            if line.confidence >= params.min_confidence
        ]
        progress(90, "Writing result")
        text = "\n".join(line.text for line in lines)
        stem = inputs[0].stem or "ocr"
        if params.output == "text":
            output = output_dir / f"{stem}.txt"
            output.write_text(text + "\n" if text else "", encoding="utf-8")
        else:
            report: dict[str, Any] = {
                "text": text,
                "lines": [
                    {"text": line.text, "confidence": line.confidence, "box": line.box}
                    for line in lines
                ],
                "width": width,
                "height": height,
                "source": source,
            }
            output = output_dir / f"{stem}-ocr.json"
            output.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
        progress(100, "Done")
        return output


def _load_image(path: Path) -> Image.Image:
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        with Image.open(path) as opened:
            if opened.width * opened.height > MAX_INPUT_PIXELS:
                raise LimitExceededError(
                    f"This image has {opened.width * opened.height / 1e6:.0f} megapixels; "
                    f"the limit is {MAX_INPUT_PIXELS // 1_000_000}."
                )
            opened.load()
            return ImageOps.exif_transpose(opened)
    except Image.DecompressionBombError:
        raise LimitExceededError("This image is too large to process safely.") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise InvalidInputError("This image could not be read: it is damaged.") from None


def _render_pdf_page(path: Path, params: OcrParams) -> Image.Image:
    from PIL import Image

    from processors.pdf._document import check_page_images, open_pdf

    with open_pdf(path) as document:
        if params.page > document.page_count:
            raise InvalidInputError(
                f"Page {params.page} does not exist: the PDF has {document.page_count} pages."
            )
        page = document[params.page - 1]
        zoom = params.dpi / 72
        if page.rect.width * zoom * page.rect.height * zoom > MAX_INPUT_PIXELS:
            raise LimitExceededError("This PDF page is too large at this DPI; choose a lower DPI.")
        check_page_images(page)
        pixmap = page.get_pixmap(dpi=params.dpi, alpha=False)
        return Image.frombytes("RGB", (pixmap.width, pixmap.height), pixmap.samples)
