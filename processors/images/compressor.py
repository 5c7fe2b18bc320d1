"""image-compressor: smaller WebP, AVIF or JPEG by quality, or by a target size in KB.

Animated GIF and WebP stay animated as WebP; AVIF and JPEG get their first frame.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

from pydantic import Field

from processors.base import Category, ProgressCallback, Tool, ToolParams
from processors.errors import InvalidInputError
from processors.formats import kind
from processors.images import engine
from processors.images.common import IMAGE_INPUTS, MAX_IMAGE_BYTES, output_path
from processors.labels import enum_labels
from processors.registry import register

_MIN_QUALITY = 5
_SEARCH_STEPS = 7  # a binary search over 5..95 settles within 7 encodes


class CompressorParams(ToolParams):
    output_format: Literal["webp", "avif", "jpeg"] = Field(
        "webp",
        title="Output format",
        json_schema_extra=enum_labels({"webp": "WebP", "avif": "AVIF", "jpeg": "JPEG"}),
        description=(
            "WebP and AVIF are smallest for photos. WebP keeps an animated GIF or WebP "
            "animated; AVIF and JPEG keep only its first frame."
        ),
    )
    quality: int = Field(
        80,
        ge=1,
        le=100,
        title="Quality",
        description="1 (smallest) to 100 (best). Ignored when a target size is given.",
    )
    target_size_kb: int | None = Field(
        None,
        ge=5,
        le=50_000,
        title="Target size (KB)",
        description="Pick the best quality whose file fits in this many kilobytes.",
    )
    max_width: int | None = Field(
        None, ge=1, le=20000, title="Max width", description="Shrink to at most this width."
    )
    max_height: int | None = Field(
        None, ge=1, le=20000, title="Max height", description="Shrink to at most this height."
    )
    keep_metadata: bool = Field(
        False, title="Keep metadata", description="Keep EXIF (camera, GPS, dates)."
    )


@register
class ImageCompressor(Tool[CompressorParams]):
    name = "image-compressor"
    display_name = "Image Compressor"
    description = (
        "Make images smaller: WebP, AVIF or JPEG at a quality or a target file size, "
        "optionally shrunk to maximum dimensions. Animated GIFs and WebPs stay animated as "
        "WebP (AVIF and JPEG: the first frame)."
    )
    category = Category.IMAGE
    icon = "file-zip"
    input_kinds = IMAGE_INPUTS
    output_kinds = (kind("webp"), kind("avif"), kind("jpeg"))
    max_file_size = MAX_IMAGE_BYTES
    timeout_seconds = 180
    Params = CompressorParams

    def run(
        self,
        inputs: Sequence[Path],
        output_dir: Path,
        params: CompressorParams,
        progress: ProgressCallback,
    ) -> Path:
        progress(5, "Reading image")
        image = engine.load(
            inputs[0],
            width=params.max_width,
            height=params.max_height,
            animated=params.output_format in engine.ANIMATED_FORMATS,
        )
        output = output_path(output_dir, inputs[0], params.output_format, "-compressed")
        if params.target_size_kb is None:
            progress(30, "Compressing")
            engine.save(
                image,
                output,
                params.output_format,
                quality=params.quality,
                keep_metadata=params.keep_metadata,
            )
        else:
            output.write_bytes(self._fit_size(image, params, progress))
        progress(100, "Done")
        return output

    @staticmethod
    def _fit_size(image: Any, params: CompressorParams, progress: ProgressCallback) -> bytes:
        """The highest quality under the target; the smallest encode when none fits."""
        import pyvips

        assert params.target_size_kb is not None
        target = params.target_size_kb * 1024
        try:
            image = image.copy_memory()  # decoded once, encoded several times
        except pyvips.Error:
            raise InvalidInputError("The file is not a readable image") from None
        low, high = _MIN_QUALITY, 95
        best: bytes | None = None
        smallest: bytes | None = None
        for step in range(_SEARCH_STEPS):
            if low > high:
                break
            quality = (low + high) // 2
            progress(20 + 70 * step / _SEARCH_STEPS, f"Trying quality {quality}")
            data = engine.encode(
                image, params.output_format, quality=quality, keep_metadata=params.keep_metadata
            )
            if smallest is None or len(data) < len(smallest):
                smallest = data
            if len(data) <= target:
                best, low = data, quality + 1
            else:
                high = quality - 1
        result = best or smallest
        assert result is not None
        return result
