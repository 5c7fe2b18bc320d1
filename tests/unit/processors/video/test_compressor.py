from __future__ import annotations

from pathlib import Path

import pytest

from processors.errors import InvalidInputError
from processors.registry import get_tool
from processors.video.probe import probe

from .conftest import Progress

TOOL = get_tool("video-compressor")


def compress(path: Path, out_dir: Path, **raw: object) -> Path:
    assert TOOL is not None
    return TOOL.run([path], out_dir, TOOL.parse_params(raw), Progress())


def test_h264_aac_faststart_and_max_height(big_clip: Path, out_dir: Path) -> None:
    output = compress(big_clip, out_dir, maxHeight=144, preset="ultrafast", audioBitrate=64)
    info = probe(output)
    assert info.video is not None and info.audio is not None
    assert (info.video.codec, info.video.width, info.video.height) == ("h264", 192, 144)
    assert info.audio.codec == "aac"
    data = output.read_bytes()
    assert data.index(b"moov") < data.index(b"mdat")  # faststart: index first
    assert info.duration == pytest.approx(1.0, abs=0.15)


def test_never_enlarges(clip: Path, out_dir: Path) -> None:
    info = probe(compress(clip, out_dir, maxHeight=720, preset="ultrafast"))
    assert info.video is not None and (info.video.width, info.video.height) == (160, 120)


def test_higher_crf_is_smaller(big_clip: Path, out_dir: Path, tmp_path: Path) -> None:
    small = compress(big_clip, out_dir, crf=40, preset="ultrafast").stat().st_size
    other = tmp_path / "other"
    other.mkdir()
    large = compress(big_clip, other, crf=18, preset="ultrafast").stat().st_size
    assert small < large


def test_silent_video_stays_silent(silent_clip: Path, out_dir: Path) -> None:
    info = probe(compress(silent_clip, out_dir, preset="ultrafast"))
    assert info.video is not None and info.audio is None


def test_params_are_validated() -> None:
    assert TOOL is not None
    with pytest.raises(InvalidInputError, match=r"Quality \(CRF\) must be at most 40 \(got 60\)"):
        TOOL.parse_params({"crf": 60})
    with pytest.raises(InvalidInputError, match=r"Speed \(preset\) must be ultrafast, superfast"):
        TOOL.parse_params({"preset": "instant"})
