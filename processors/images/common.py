"""What the image tools share: the input kinds they read, their limits, output naming."""

from __future__ import annotations

from pathlib import Path

from processors.base import MB, output_file
from processors.formats import FileKind, kind
from processors.images.engine import EXTENSIONS, OutputFormat

__all__ = ["IMAGE_INPUTS", "MAX_IMAGE_BYTES", "output_path"]

IMAGE_INPUTS: tuple[FileKind, ...] = tuple(
    kind(name) for name in ("jpeg", "png", "webp", "gif", "tiff", "bmp", "heic", "avif")
)
MAX_IMAGE_BYTES = 50 * MB


def output_path(output_dir: Path, source: Path, fmt: OutputFormat, suffix: str) -> Path:
    """`<input stem>.<format extension>`, with `suffix` after the stem for the same format."""
    return output_file(output_dir, source, EXTENSIONS[fmt], suffix)
