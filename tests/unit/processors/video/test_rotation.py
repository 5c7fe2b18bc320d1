from __future__ import annotations

from pathlib import Path

import pytest

from processors.errors import InvalidInputError
from processors.registry import get_tool
from processors.video.probe import probe

from .conftest import Progress

TOOL = get_tool("video-rotation")


def rotate(path: Path, out_dir: Path, progress: Progress | None = None, **raw: object) -> Path:
    assert TOOL is not None
    return TOOL.run([path], out_dir, TOOL.parse_params(raw), progress or Progress())


@pytest.mark.parametrize(
    ("angle", "size"), [(90, (120, 160)), (180, (160, 120)), (270, (120, 160))]
)
def test_reencode_turns_the_pixels(clip: Path, out_dir: Path, angle: int, size: tuple) -> None:
    progress = Progress()
    info = probe(rotate(clip, out_dir, progress, angle=angle))
    assert info.video is not None
    assert (info.video.width, info.video.height) == size
    assert info.video.rotation == 0
    assert info.audio is not None and info.audio.codec == "aac"
    assert info.duration == pytest.approx(2.0, abs=0.15)
    assert progress.percents == sorted(progress.percents) and progress.percents[-1] == 100


@pytest.mark.parametrize(("angle", "rotation"), [(90, 270), (180, 180), (270, 90)])
def test_lossless_sets_rotation_metadata_only(
    clip: Path, out_dir: Path, angle: int, rotation: int
) -> None:
    output = rotate(clip, out_dir, angle=angle, mode="lossless")
    info = probe(output)
    assert info.video is not None
    assert (info.video.width, info.video.height) == (160, 120)  # pixels untouched
    assert info.video.rotation == rotation  # counter-clockwise, as FFmpeg reports it
    assert info.video.display_size == ((120, 160) if angle != 180 else (160, 120))
    # Stream copy: the size is the input's, give or take the container.
    assert abs(output.stat().st_size - clip.stat().st_size) < 2048


def test_lossless_composes_with_existing_rotation(
    clip: Path, out_dir: Path, tmp_path: Path
) -> None:
    once = rotate(clip, out_dir, angle=90, mode="lossless")
    twice_dir = tmp_path / "twice"
    twice_dir.mkdir()
    info = probe(rotate(once, twice_dir, angle=90, mode="lossless"))
    assert info.video is not None and info.video.rotation == 180


def test_corrupt_video_is_readable_error(tmp_path: Path, out_dir: Path, clip: Path) -> None:
    broken = tmp_path / "broken.mp4"
    broken.write_bytes(clip.read_bytes()[:3000])  # moov is at the end: cut off
    with pytest.raises(InvalidInputError, match="not a readable video") as caught:
        rotate(broken, out_dir)
    assert "ffmpeg" not in caught.value.message.lower()


def test_reencode_applies_existing_rotation_first(
    clip: Path, out_dir: Path, tmp_path: Path
) -> None:
    flagged = rotate(clip, out_dir, angle=90, mode="lossless")  # shown as 120 x 160
    second = tmp_path / "second"
    second.mkdir()
    info = probe(rotate(flagged, second, angle=90))  # 90 + 90: upside down, landscape
    assert info.video is not None
    assert (info.video.width, info.video.height, info.video.rotation) == (160, 120, 0)
