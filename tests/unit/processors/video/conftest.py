"""Media fixtures made with FFmpeg's lavfi test sources: tiny, short, known content."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from processors.video.probe import ffmpeg_exe
from tests.unit.processors.conftest import Progress as Progress  # re-exported for the tests

MakeMedia = Callable[..., Path]


def _ffmpeg(*args: str) -> None:
    subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", "-y", *args],
        check=True,
        timeout=60,
    )


@pytest.fixture(scope="session")
def media_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("media")


@pytest.fixture(scope="session")
def clip(media_dir: Path) -> Path:
    """2 s, 160 x 120, 10 fps H.264 with a 440 Hz AAC tone."""
    path = media_dir / "clip.mp4"
    _ffmpeg(
        *("-f", "lavfi", "-i", "testsrc=size=160x120:rate=10:duration=2"),
        *("-f", "lavfi", "-i", "sine=frequency=440:duration=2"),
        *("-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac"),
        "-shortest",
        str(path),
    )
    return path


@pytest.fixture(scope="session")
def big_clip(media_dir: Path) -> Path:
    """1 s, 320 x 240 with sound: for shrinking."""
    path = media_dir / "big.mp4"
    _ffmpeg(
        *("-f", "lavfi", "-i", "testsrc=size=320x240:rate=10:duration=1"),
        *("-f", "lavfi", "-i", "sine=frequency=440:duration=1"),
        *("-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac"),
        "-shortest",
        str(path),
    )
    return path


@pytest.fixture(scope="session")
def silent_clip(media_dir: Path) -> Path:
    """1 s WebM (VP9 would be slow: MJPEG in Matroska is enough) without sound."""
    path = media_dir / "silent.mkv"
    _ffmpeg(
        *("-f", "lavfi", "-i", "testsrc=size=160x120:rate=10:duration=1"),
        *("-c:v", "mjpeg", str(path)),
    )
    return path


@pytest.fixture(scope="session")
def tone_wav(media_dir: Path) -> Path:
    path = media_dir / "tone.wav"
    _ffmpeg("-f", "lavfi", "-i", "sine=frequency=440:duration=1.5", str(path))
    return path


@pytest.fixture(scope="session")
def long_clip(media_dir: Path) -> Path:
    """31 minutes of a 16 x 16 picture at 1 fps: over the 30-minute limit, tiny on disk."""
    path = media_dir / "long.mp4"
    _ffmpeg(
        *("-f", "lavfi", "-i", "color=size=16x16:rate=1:duration=1860"),
        *("-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", str(path)),
    )
    return path
