"""What the video tools share: accepted inputs, limits, output naming."""

from __future__ import annotations

from pathlib import Path

from processors.base import MB
from processors.formats import FileKind, kind

__all__ = [
    "AUDIO_INPUTS",
    "EVEN_SIZE",
    "H264",
    "MAX_VIDEO_BYTES",
    "MP4_FASTSTART",
    "VIDEO_INPUTS",
    "output_path",
]

VIDEO_INPUTS: tuple[FileKind, ...] = tuple(
    kind(name) for name in ("mp4", "mov", "webm", "mkv", "avi")
)
AUDIO_INPUTS: tuple[FileKind, ...] = tuple(kind(name) for name in ("mp3", "m4a", "wav"))
MAX_VIDEO_BYTES = 500 * MB

EVEN_SIZE = "scale=trunc(iw/2)*2:trunc(ih/2)*2"
"""H.264 in yuv420p needs even dimensions."""

H264 = ("-c:v", "libx264", "-pix_fmt", "yuv420p")
MP4_FASTSTART = ("-movflags", "+faststart")


def output_path(output_dir: Path, source: Path, extension: str, suffix: str = "") -> Path:
    """`<input stem><suffix><extension>` in `output_dir`."""
    return output_dir / f"{source.stem or 'video'}{suffix}{extension}"
