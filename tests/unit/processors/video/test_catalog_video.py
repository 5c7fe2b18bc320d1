"""Files FFmpeg writes pass the pipeline's upload check (extension + magic bytes)."""

from __future__ import annotations

from pathlib import Path

import pytest

from processors.registry import get_tool

from .conftest import Progress


def test_mp4_mkv_wav_are_accepted(clip: Path, silent_clip: Path, tone_wav: Path) -> None:
    video = get_tool("video-compressor")
    audio = get_tool("audio-extractor")
    assert video is not None and audio is not None
    assert video.match_input("clip.mp4", clip.read_bytes()[:8192]) is not None
    assert video.match_input("clip.mkv", silent_clip.read_bytes()[:8192]) is not None
    assert video.match_input("tone.wav", tone_wav.read_bytes()[:8192]) is None
    assert audio.match_input("tone.wav", tone_wav.read_bytes()[:8192]) is not None


@pytest.mark.parametrize(("fmt", "name"), [("mp3", "a.mp3"), ("aac", "a.m4a")])
def test_extracted_audio_is_accepted_back(clip: Path, tmp_path: Path, fmt: str, name: str) -> None:
    tool = get_tool("audio-extractor")
    assert tool is not None
    output = tool.run([clip], tmp_path, tool.parse_params({"outputFormat": fmt}), Progress())
    assert tool.match_input(name, output.read_bytes()[:8192]) is not None
