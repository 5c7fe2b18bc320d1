from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from processors.errors import InvalidInputError
from processors.registry import get_tool

from .conftest import Progress

TOOL = get_tool("video-thumbnail")


def thumbnail(path: Path, out_dir: Path, **raw: object) -> Path:
    assert TOOL is not None
    return TOOL.run([path], out_dir, TOOL.parse_params(raw), Progress())


def test_jpeg_scaled(clip: Path, out_dir: Path) -> None:
    output = thumbnail(clip, out_dir, time=0.5, width=64)
    assert output.suffix == ".jpg"
    with Image.open(output) as image:
        assert (image.format, image.size) == ("JPEG", (64, 48))


def test_png_full_size_and_different_times_differ(
    clip: Path, out_dir: Path, tmp_path: Path
) -> None:
    early = thumbnail(clip, out_dir, time=0, outputFormat="png")
    later_dir = tmp_path / "later"
    later_dir.mkdir()
    late = thumbnail(clip, later_dir, time=1.5, outputFormat="png")
    with Image.open(early) as first, Image.open(late) as second:
        assert (first.format, first.size) == ("PNG", (160, 120))
        assert first.tobytes() != second.tobytes()  # testsrc moves: another moment, other pixels


def test_time_after_end(clip: Path, out_dir: Path) -> None:
    with pytest.raises(InvalidInputError, match="after the end"):
        thumbnail(clip, out_dir, time=3)


def test_sample_video(out_dir: Path) -> None:
    sample = Path("/work/shared/samples/sample.mp4")
    if not sample.exists():
        pytest.skip("sample.mp4 is not here")
    with Image.open(thumbnail(sample, out_dir, time=10)) as image:
        assert image.size == (640, 360)
