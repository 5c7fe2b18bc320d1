"""image-resizer: fit inside a box, fill it and crop, stretch, or a square thumbnail.

Every frame of an animated GIF or WebP is resized when the output is GIF or WebP (`same`
gives a GIF a GIF); JPEG and PNG get the first frame.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator

from processors.base import Category, ProgressCallback, Tool, ToolParams
from processors.formats import kind
from processors.images import engine
from processors.images.common import IMAGE_INPUTS, MAX_IMAGE_BYTES, output_path
from processors.labels import enum_labels
from processors.registry import register


class ResizerParams(ToolParams):
    width: int | None = Field(None, ge=1, le=20000, title="Width", description="Pixels.")
    height: int | None = Field(None, ge=1, le=20000, title="Height", description="Pixels.")
    mode: Literal["fit", "fill", "stretch", "thumbnail"] = Field(
        "fit",
        title="Resize mode",
        description=(
            "Fit: inside width x height, aspect kept; fill: cover the box and crop the "
            "centre; stretch: exactly width x height; thumbnail: a square of the larger side, "
            "centre-cropped."
        ),
        json_schema_extra=enum_labels(
            {
                "fit": "Fit inside the box",
                "fill": "Fill the box (crop)",
                "stretch": "Stretch to the box",
                "thumbnail": "Square thumbnail",
            }
        ),
    )
    enlarge: bool = Field(
        False, title="Enlarge", description="Allow making images larger than they are."
    )
    output_format: Literal["same", "jpeg", "png", "webp"] = Field(
        "same",
        title="Output format",
        json_schema_extra=enum_labels(
            {"same": "Same as the input", "jpeg": "JPEG", "png": "PNG", "webp": "WebP"}
        ),
        description=(
            "same: the input's format (PNG for TIFF, BMP and HEIC). An animated GIF or WebP "
            "stays animated as GIF (same) or WebP; JPEG and PNG keep only its first frame."
        ),
    )
    quality: int = Field(85, ge=1, le=100, title="Quality", description="JPEG/WebP quality.")
    keep_metadata: bool = Field(
        False, title="Keep metadata", description="Keep EXIF (camera, GPS, dates)."
    )

    @model_validator(mode="after")
    def _has_a_size(self) -> ResizerParams:
        if self.width is None and self.height is None:
            raise ValueError("give a width, a height or both")
        if self.mode in ("fill", "stretch") and (self.width is None or self.height is None):
            raise ValueError(f"mode {self.mode} needs both a width and a height")
        return self


@register
class ImageResizer(Tool[ResizerParams]):
    name = "image-resizer"
    display_name = "Image Resizer"
    description = (
        "Resize images: fit, fill and crop, stretch, or square thumbnails. Animated GIFs and "
        "WebPs stay animated, every frame resized (JPEG and PNG: the first frame)."
    )
    category = Category.IMAGE
    icon = "aspect-ratio"
    input_kinds = IMAGE_INPUTS
    output_kinds = (kind("jpeg"), kind("png"), kind("webp"), kind("avif"), kind("gif"))
    max_file_size = MAX_IMAGE_BYTES
    timeout_seconds = 120
    Params = ResizerParams

    def run(
        self,
        inputs: Sequence[Path],
        output_dir: Path,
        params: ResizerParams,
        progress: ProgressCallback,
    ) -> Path:
        fmt = (
            engine.source_format(inputs[0])
            if params.output_format == "same"
            else params.output_format
        )
        width, height = params.width, params.height
        mode: engine.FitMode = "fill" if params.mode == "thumbnail" else params.mode
        if params.mode == "thumbnail":
            width = height = max(width or 0, height or 0)
        progress(5, "Reading image")
        image = engine.load(
            inputs[0],
            width=width,
            height=height,
            mode=mode,
            enlarge=params.enlarge,
            animated=fmt in engine.ANIMATED_FORMATS,
        )
        progress(30, "Resizing")
        output = output_path(output_dir, inputs[0], fmt, "-resized")
        engine.save(image, output, fmt, quality=params.quality, keep_metadata=params.keep_metadata)
        progress(100, "Done")
        return output
