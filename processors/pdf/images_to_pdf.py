"""images-to-pdf: several images, one per page in upload order, as one PDF."""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

from pydantic import Field

from processors.base import MB, Category, ProgressCallback, Tool, ToolParams
from processors.errors import InvalidInputError, LimitExceededError
from processors.formats import kind
from processors.labels import enum_labels
from processors.registry import register

MAX_IMAGE_PIXELS = 50_000_000
_PAGE_SIZES_PT = {"a4": (595.276, 841.89), "letter": (612.0, 792.0)}
_MM_TO_PT = 72 / 25.4


class ImagesToPdfParams(ToolParams):
    page_size: Literal["fit", "a4", "letter"] = Field(
        default="fit",
        title="Page size",
        description="Page size: the image's own size, A4 or US Letter.",
        json_schema_extra=enum_labels(
            {"fit": "The image's own size", "a4": "A4", "letter": "US Letter"}
        ),
    )
    orientation: Literal["auto", "portrait", "landscape"] = Field(
        default="auto",
        title="Orientation",
        description="For A4/Letter: follow each image's shape, or force one.",
        json_schema_extra=enum_labels(
            {"auto": "Follow each image", "portrait": "Portrait", "landscape": "Landscape"}
        ),
    )
    margin_mm: float = Field(
        default=0, ge=0, le=50, title="Margin (mm)", description="Margin around each image."
    )


@register
class ImagesToPdf(Tool[ImagesToPdfParams]):
    name = "images-to-pdf"
    display_name = "Images to PDF"
    description = "Combine images (JPEG, PNG, WebP, GIF, TIFF, BMP) into one PDF, a page each."
    category = Category.PDF
    icon = "file-earmark-pdf"
    input_kinds = tuple(kind(n) for n in ("jpeg", "png", "webp", "gif", "tiff", "bmp"))
    output_kinds = (kind("pdf"),)
    min_files = 1
    max_files = 50
    max_file_size = 25 * MB
    timeout_seconds = 300
    Params = ImagesToPdfParams

    def run(
        self,
        inputs: Sequence[Path],
        output_dir: Path,
        params: ImagesToPdfParams,
        progress: ProgressCallback,
    ) -> Path:
        import pymupdf

        output = output_dir / f"{inputs[0].stem or 'images'}.pdf"
        margin = params.margin_mm * _MM_TO_PT
        with pymupdf.open() as document:
            for done, path in enumerate(inputs, start=1):
                data, (width_px, height_px), dpi = _page_image(path, done)
                img_w, img_h = width_px * 72 / dpi, height_px * 72 / dpi
                if params.page_size == "fit":
                    page_w, page_h = img_w + 2 * margin, img_h + 2 * margin
                else:
                    page_w, page_h = _PAGE_SIZES_PT[params.page_size]
                    landscape = params.orientation == "landscape" or (
                        params.orientation == "auto" and width_px > height_px
                    )
                    if landscape:
                        page_w, page_h = page_h, page_w
                page = document.new_page(width=page_w, height=page_h)
                box = pymupdf.Rect(margin, margin, page_w - margin, page_h - margin)
                if box.is_empty:
                    raise InvalidInputError("The margin leaves no room for the image.")
                page.insert_image(box, stream=data, keep_proportion=True)
                progress(90 * done / len(inputs), f"Added image {done}/{len(inputs)}")
            progress(90, "Saving")
            document.save(output, garbage=3, deflate=True)
        progress(100, "Done")
        return output


def _page_image(path: Path, number: int) -> tuple[bytes, tuple[int, int], float]:
    """The image as PNG or JPEG bytes PyMuPDF can embed, its pixel size and its DPI."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        with Image.open(path) as image:
            if image.width * image.height > MAX_IMAGE_PIXELS:
                raise LimitExceededError(
                    f"Image {number} has {image.width * image.height / 1e6:.0f} megapixels; "
                    f"the limit is {MAX_IMAGE_PIXELS // 1_000_000}."
                )
            dpi = float(image.info.get("dpi", (96, 96))[0] or 96)
            dpi = dpi if 30 <= dpi <= 1200 else 96
            if image.format == "JPEG" and image.mode in ("RGB", "L") and not _rotated(image):
                return path.read_bytes(), image.size, dpi
            image.seek(0)  # first frame of an animation
            upright = ImageOps.exif_transpose(image)
            if upright.mode not in ("RGB", "RGBA", "L", "LA"):
                upright = upright.convert("RGBA" if "A" in upright.getbands() else "RGB")
            buffer = io.BytesIO()
            upright.save(buffer, "PNG")
            return buffer.getvalue(), upright.size, dpi
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise InvalidInputError(f"Image {number} could not be read: it is damaged.") from None
    except Image.DecompressionBombError:
        raise LimitExceededError(f"Image {number} is too large to process safely.") from None


def _rotated(image: object) -> bool:
    """True when EXIF says the JPEG must be turned before display."""
    getexif = getattr(image, "getexif", None)
    return bool(getexif and getexif().get(0x0112, 1) not in (1, None))
