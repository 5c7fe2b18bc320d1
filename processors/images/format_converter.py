"""image-format-converter: any common image (HEIC and AVIF included) to JPEG, PNG, WebP or GIF.

Animated GIF and WebP stay animated as WebP or GIF; JPEG and PNG get their first frame.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Literal

from pydantic import Field

from processors.base import Category, ProgressCallback, Tool, ToolParams
from processors.formats import kind
from processors.images import engine
from processors.images.common import IMAGE_INPUTS, MAX_IMAGE_BYTES, output_path
from processors.labels import enum_labels
from processors.registry import register


class FormatConverterParams(ToolParams):
    output_format: Literal["jpeg", "png", "webp", "gif"] = Field(
        "jpeg",
        title="Output format",
        json_schema_extra=enum_labels({"jpeg": "JPEG", "png": "PNG", "webp": "WebP", "gif": "GIF"}),
        description=(
            "The format to convert the image to. WebP and GIF keep an animated GIF or WebP "
            "animated; JPEG and PNG keep only its first frame. GIF has 256 colours."
        ),
    )
    quality: int = Field(
        85, ge=1, le=100, title="Quality", description="JPEG/WebP quality, 1 (small) to 100."
    )
    max_width: int | None = Field(
        None, ge=1, le=20000, title="Max width", description="Shrink to at most this width."
    )
    max_height: int | None = Field(
        None, ge=1, le=20000, title="Max height", description="Shrink to at most this height."
    )
    keep_metadata: bool = Field(
        False,
        title="Keep metadata",
        description="Keep EXIF (camera, GPS, dates); stripped by default for privacy.",
    )


@register
class ImageFormatConverter(Tool[FormatConverterParams]):
    name = "image-format-converter"
    display_name = "Image Format Converter"
    description = (
        "Convert JPEG, PNG, WebP, GIF, TIFF, BMP, HEIC/HEIF or AVIF images to JPEG, PNG, WebP "
        "or GIF. Animated GIFs and WebPs stay animated as WebP or GIF (JPEG and PNG: the first "
        "frame)."
    )
    category = Category.IMAGE
    icon = "arrow-left-right"
    input_kinds = IMAGE_INPUTS
    output_kinds = (kind("jpeg"), kind("png"), kind("webp"), kind("gif"))
    max_file_size = MAX_IMAGE_BYTES
    timeout_seconds = 120
    Params = FormatConverterParams

    def run(
        self,
        inputs: Sequence[Path],
        output_dir: Path,
        params: FormatConverterParams,
        progress: ProgressCallback,
    ) -> Path:
        progress(5, "Reading image")
        image = engine.load(
            inputs[0],
            width=params.max_width,
            height=params.max_height,
            animated=params.output_format in engine.ANIMATED_FORMATS,
        )
        progress(30, f"Converting to {params.output_format.upper()}")
        output = output_path(output_dir, inputs[0], params.output_format, "-converted")
        engine.save(
            image,
            output,
            params.output_format,
            quality=params.quality,
            keep_metadata=params.keep_metadata,
        )
        progress(100, "Done")
        return output
