from __future__ import annotations

from pathlib import Path

import pytest

from processors.errors import InvalidInputError
from processors.registry import get_tool
from processors.video.probe import probe

from .conftest import Progress

TOOL = get_tool("audio-extractor")


def extract(path: Path, out_dir: Path, **raw: object) -> Path:
    assert TOOL is not None
    return TOOL.run([path], out_dir, TOOL.parse_params(raw), Progress())


@pytest.mark.parametrize(
    ("fmt", "suffix", "codec"),
    [("mp3", ".mp3", "mp3"), ("aac", ".m4a", "aac"), ("wav", ".wav", "pcm_s16le")],
)
def test_formats(clip: Path, out_dir: Path, fmt: str, suffix: str, codec: str) -> None:
    output = extract(clip, out_dir, outputFormat=fmt)
    assert output.suffix == suffix
    info = probe(output, what="audio")
    assert info.video is None
    assert info.audio is not None and info.audio.codec == codec
    assert info.duration == pytest.approx(2.0, abs=0.15)


def test_bitrate_changes_size(clip: Path, out_dir: Path, tmp_path: Path) -> None:
    low = extract(clip, out_dir, bitrate=32).stat().st_size
    other = tmp_path / "other"
    other.mkdir()
    high = extract(clip, other, bitrate=320).stat().st_size
    assert low < high


def test_audio_file_input(tone_wav: Path, out_dir: Path) -> None:
    info = probe(extract(tone_wav, out_dir), what="audio")
    assert info.audio is not None and info.audio.codec == "mp3"
    assert info.duration == pytest.approx(1.5, abs=0.1)


def test_video_without_sound(silent_clip: Path, out_dir: Path) -> None:
    with pytest.raises(InvalidInputError, match="no audio track"):
        extract(silent_clip, out_dir)
