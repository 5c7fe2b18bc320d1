"""What is inside a media file, read from `ffmpeg -i` (the wheel ships no ffprobe).

Probing is itself hardened: only local files, only the demuxers we accept (playlists, concat
lists and other formats that open further files are refused before they are parsed).
"""

from __future__ import annotations

import logging
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from processors.errors import InvalidInputError, LimitExceededError

__all__ = [
    "ALLOWED_DEMUXERS",
    "MAX_DURATION_SECONDS",
    "MAX_PIXELS",
    "MAX_PIXELS_ARGS",
    "AudioStream",
    "MediaInfo",
    "VideoStream",
    "check_limits",
    "ffmpeg_exe",
    "parse_probe",
    "probe",
]

logger = logging.getLogger(__name__)

ALLOWED_DEMUXERS = ("mov", "matroska", "avi", "mp3", "wav", "aac")
"""The demuxers our input kinds need. hls, concat, subfile, tee, image2... never run."""
MAX_DURATION_SECONDS = 30 * 60
MAX_PIXELS = 7680 * 4320  # 8K UHD
MAX_PIXELS_ARGS = ("-max_pixels", str(MAX_PIXELS))
"""Decoder option before `-i`: FFmpeg refuses to allocate a frame over 8K instead of decoding it
(its probe decodes a first frame of each stream: 768 MB for one 16000 x 16000 picture)."""
_PROBE_TIMEOUT = 30
_HOSTILE_HEADS = (b"#EXTM3U", b"ffconcat", b"#EXTINF", b"[playlist]", b"<?xml", b"<smil")


@dataclass(frozen=True)
class VideoStream:
    codec: str
    width: int
    height: int
    fps: float | None
    rotation: int
    """Display rotation in degrees counter-clockwise, as FFmpeg reports it (0 when none)."""

    @property
    def display_size(self) -> tuple[int, int]:
        """Width and height as shown: swapped when the rotation is a quarter turn."""
        if self.rotation % 180:
            return self.height, self.width
        return self.width, self.height


@dataclass(frozen=True)
class AudioStream:
    codec: str
    sample_rate: int | None
    channels: str | None


@dataclass(frozen=True)
class MediaInfo:
    demuxer: str
    duration: float | None
    video: VideoStream | None
    audio: AudioStream | None
    frame_sizes: tuple[tuple[int, int], ...] = ()
    """Width and height of every video stream (a small first stream must not hide a huge one)."""


def ffmpeg_exe() -> str:
    import imageio_ffmpeg

    exe: str = imageio_ffmpeg.get_ffmpeg_exe()
    return exe


# Anchored at line starts: FFmpeg prints the file's own metadata (titles, comments) on
# indented "key : value" lines, so a crafted tag cannot pose as a stream or a duration.
_INPUT = re.compile(r"^Input #0, ([\w,]+), from", re.MULTILINE)
_DURATION = re.compile(r"^  Duration: (\d+):(\d\d):(\d\d(?:\.\d+)?)", re.MULTILINE)
_VIDEO = re.compile(
    r"^  Stream #0:\d+[^:\n]*: Video: (\w+)[^\n]*?, (\d+)x(\d+)[^\n]*", re.MULTILINE
)
# With `-max_pixels` the decoder refuses an oversized picture and says how big it was; the
# stream line then shows no size at all.
_OVERSIZED = re.compile(r"Picture size (\d+)x(\d+) exceeds specified max pixel count")
_FPS = re.compile(r"([\d.]+) fps")
_AUDIO = re.compile(r"^  Stream #0:\d+[^:\n]*: Audio: (\w+)[^\n]*", re.MULTILINE)
_RATE = re.compile(r"(\d+) Hz, ([\w.() ]+?),")
_ROTATION = re.compile(
    r"^\s+(?:Display Matrix|displaymatrix): rotation of (-?[\d.]+) degrees",
    re.MULTILINE | re.IGNORECASE,
)


def parse_probe(stderr: str) -> MediaInfo | None:
    """Parse `ffmpeg -i` output; None when FFmpeg found no input it could open."""
    found = _INPUT.search(stderr)
    if not found:
        return None
    duration = None
    if match := _DURATION.search(stderr):
        hours, minutes, seconds = match.groups()
        duration = int(hours) * 3600 + int(minutes) * 60 + float(seconds)
    video = None
    if match := _VIDEO.search(stderr):
        fps = _FPS.search(match.group(0))
        # The display matrix is printed under the stream it belongs to, before the next one.
        rest = stderr[match.end() :]
        next_stream = rest.find("Stream #")
        rotation = _ROTATION.search(rest if next_stream < 0 else rest[:next_stream])
        video = VideoStream(
            codec=match.group(1),
            width=int(match.group(2)),
            height=int(match.group(3)),
            fps=float(fps.group(1)) if fps else None,
            rotation=round(float(rotation.group(1))) % 360 if rotation else 0,
        )
    audio = None
    if match := _AUDIO.search(stderr):
        rate = _RATE.search(match.group(0))
        audio = AudioStream(
            codec=match.group(1),
            sample_rate=int(rate.group(1)) if rate else None,
            channels=rate.group(2) if rate else None,
        )
    sizes = tuple((int(m.group(2)), int(m.group(3))) for m in _VIDEO.finditer(stderr)) + tuple(
        (int(m.group(1)), int(m.group(2))) for m in _OVERSIZED.finditer(stderr)
    )
    return MediaInfo(found.group(1).split(",")[0], duration, video, audio, sizes)


def probe(path: Path, *, what: str = "video") -> MediaInfo:
    """Probe `path` safely and enforce the limits. `what` words the error ("video", "audio")."""
    unreadable = f"The file is not a readable {what}"
    if any(ord(ch) < 32 for ch in str(path)):
        # FFmpeg echoes the path in the text we parse: a newline in it could forge lines.
        raise InvalidInputError("The file name contains control characters")
    with path.open("rb") as handle:
        head = handle.read(64).lstrip()
    if not head:
        raise InvalidInputError("The file is empty")
    if head.startswith(_HOSTILE_HEADS):
        raise InvalidInputError(f"{unreadable}: playlists and file lists are not accepted")
    command = [
        ffmpeg_exe(),
        "-hide_banner",
        "-nostdin",
        "-protocol_whitelist",
        "file",
        "-format_whitelist",
        ",".join(ALLOWED_DEMUXERS),
        *MAX_PIXELS_ARGS,
        "-i",
        f"file:{path}",
    ]
    try:
        done = subprocess.run(
            command, capture_output=True, timeout=_PROBE_TIMEOUT, check=False, text=True
        )
    except subprocess.TimeoutExpired:
        raise InvalidInputError(f"{unreadable}: it could not be read in time") from None
    info = parse_probe(done.stderr)
    if info is None or info.demuxer not in ALLOWED_DEMUXERS:
        logger.info("probe refused the input: %s", done.stderr[-500:])
        raise InvalidInputError(unreadable)
    check_limits(info)
    return info


def check_limits(info: MediaInfo) -> None:
    """LimitExceededError when the media is too long or its picture too large."""
    if info.duration is not None and info.duration > MAX_DURATION_SECONDS:
        raise LimitExceededError(
            f"The file lasts {info.duration / 60:.0f} minutes; "
            f"the limit is {MAX_DURATION_SECONDS // 60} minutes"
        )
    sizes = list(info.frame_sizes)
    if info.video:
        sizes.append((info.video.width, info.video.height))
    for width, height in sizes:
        if width * height > MAX_PIXELS:
            raise LimitExceededError(
                f"The video is {width} x {height}; the limit is 8K (7680 x 4320)"
            )
