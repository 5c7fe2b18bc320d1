"""exif-extractor: a photo's EXIF as JSON (camera, lens, exposure, dates, GPS, orientation)."""

from __future__ import annotations

import json
import logging
import warnings
from collections.abc import Sequence
from pathlib import Path

from processors.base import Category, ProgressCallback, Tool, ToolParams
from processors.errors import InvalidInputError, LimitExceededError
from processors.formats import kind
from processors.images.common import IMAGE_INPUTS, MAX_IMAGE_BYTES
from processors.registry import register

logger = logging.getLogger(__name__)

_ANIMATION_FORMATS = ("GIF", "WEBP", "PNG", "AVIF")
"""Formats whose frames are an animation; the pages of a TIFF or a HEIF are separate images."""


class ExifParams(ToolParams):
    """No parameters: the whole EXIF block is read."""


@register
class ExifExtractor(Tool[ExifParams]):
    name = "exif-extractor"
    display_name = "EXIF Extractor"
    description = (
        "Read a photo's metadata as JSON: camera, lens, exposure, dates, GPS position in "
        "decimal degrees and orientation, and the frame count of an animation. Works on "
        "JPEG, TIFF, HEIC, WebP, PNG and AVIF."
    )
    category = Category.IMAGE
    icon = "info-circle"
    input_kinds = IMAGE_INPUTS
    output_kinds = (kind("json"),)
    max_file_size = MAX_IMAGE_BYTES
    timeout_seconds = 30
    sync = True
    Params = ExifParams

    def run(
        self,
        inputs: Sequence[Path],
        output_dir: Path,
        params: ExifParams,
        progress: ProgressCallback,
    ) -> Path:
        import pillow_heif
        from PIL import Image, UnidentifiedImageError

        from processors.images.exif import describe_exif

        pillow_heif.register_heif_opener()
        progress(10, "Reading metadata")
        try:
            with warnings.catch_warnings():
                # Only the header and metadata are read here, never the pixels.
                warnings.simplefilter("ignore", Image.DecompressionBombWarning)
                with Image.open(inputs[0]) as image:
                    frames = int(getattr(image, "n_frames", 1))
                    report = {
                        "file": {
                            "format": image.format,
                            "width": image.width,
                            "height": image.height,
                            "mode": image.mode,
                            "frames": frames,
                            "animated": frames > 1 and image.format in _ANIMATION_FORMATS,
                        },
                        **describe_exif(image.getexif()),
                    }
        except Image.DecompressionBombError:
            raise LimitExceededError("The image is too large to read safely") from None
        except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
            logger.info("could not read the image's metadata: %s", exc)
            raise InvalidInputError("The file is not a readable image") from None
        report["hasExif"] = bool(report["tags"])
        output = output_dir / f"{inputs[0].stem or 'image'}-exif.json"
        output.write_text(json.dumps(report, indent=2, ensure_ascii=False))
        progress(100, "Done")
        return output
