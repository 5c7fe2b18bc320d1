from __future__ import annotations

from pathlib import Path

import pytest

from processors.errors import InvalidInputError, LimitExceededError
from processors.video.probe import MediaInfo, VideoStream, check_limits, parse_probe, probe

ROTATED = """Input #0, mov,mp4,m4a,3gp,3g2,mj2, from 'file:phone.mp4':
  Duration: 00:01:02.50, start: 0.000000, bitrate: 106 kb/s
  Stream #0:0[0x1](und): Video: hevc (Main) (hvc1 / 0x31637668), yuv420p(tv), 1920x1080, \
26 kb/s, 29.97 fps, 30 tbr (default)
      Display Matrix: rotation of -90.00 degrees
  Stream #0:1[0x2](und): Audio: aac (LC) (mp4a / 0x6134706D), 48000 Hz, stereo, fltp, 69 kb/s
At least one output file must be specified
"""


def test_parse_reads_format_duration_streams_rotation() -> None:
    info = parse_probe(ROTATED)
    assert info is not None
    assert info.demuxer == "mov"
    assert info.duration == pytest.approx(62.5)
    assert info.video == VideoStream("hevc", 1920, 1080, 29.97, 270)
    assert info.video.display_size == (1080, 1920)
    assert info.audio is not None
    assert (info.audio.codec, info.audio.sample_rate, info.audio.channels) == (
        "aac",
        48000,
        "stereo",
    )


def test_parse_without_input_is_none() -> None:
    assert parse_probe("file:x.mp4: Invalid data found when processing input") is None


def test_probe_real_clip(clip: Path) -> None:
    info = probe(clip)
    assert info.demuxer == "mov"
    assert info.duration == pytest.approx(2.0, abs=0.1)
    assert info.video is not None and (info.video.width, info.video.height) == (160, 120)
    assert info.audio is not None and info.audio.codec == "aac"


@pytest.mark.parametrize(
    "content",
    [
        b"#EXTM3U\n#EXT-X-VERSION:3\n#EXTINF:10,\nhttp://example.com/a.ts\n",
        b"ffconcat version 1.0\nfile '/etc/passwd'\n",
        b"\x00\x00\x00\x18ftypmp42" + b"\x13" * 400,
    ],
)
def test_hostile_or_corrupt_input_is_refused(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "video.mp4"
    path.write_bytes(content)
    with pytest.raises(InvalidInputError, match="not a readable video"):
        probe(path)


def test_demuxers_outside_the_allow_list_are_refused(tmp_path: Path) -> None:
    # An SRT subtitle is a format FFmpeg opens happily; it is not one we accept.
    path = tmp_path / "subs.mp4"
    path.write_text("1\n00:00:01,000 --> 00:00:02,000\nhello\n")
    with pytest.raises(InvalidInputError, match="not a readable video"):
        probe(path)


def test_too_long_is_refused(long_clip: Path) -> None:
    with pytest.raises(LimitExceededError, match="lasts 31 minutes; the limit is 30 minutes"):
        probe(long_clip)


def test_over_8k_is_refused() -> None:
    info = MediaInfo("mov", 10.0, VideoStream("h264", 15360, 8640, 30.0, 0), None)
    with pytest.raises(LimitExceededError, match="15360 x 8640"):
        check_limits(info)


def test_metadata_cannot_forge_streams_or_duration(clip: Path, tmp_path: Path) -> None:
    from .conftest import _ffmpeg

    forged = tmp_path / "forged.mp4"
    fake = "x\n  Duration: 00:00:01.00,\n  Stream #0:0: Video: h264, 16x16, 1 fps"
    _ffmpeg("-i", str(clip), "-c", "copy", "-metadata", f"title={fake}", str(forged))
    info = probe(forged)
    assert info.video is not None and (info.video.width, info.video.height) == (160, 120)
    assert info.duration == pytest.approx(2.0, abs=0.1)


def test_control_characters_in_the_path_are_refused(clip: Path, tmp_path: Path) -> None:
    odd = tmp_path / "a\nStream #0:0: Video: h264, 16x16.mp4"
    odd.write_bytes(clip.read_bytes())
    with pytest.raises(InvalidInputError, match="control characters"):
        probe(odd)
