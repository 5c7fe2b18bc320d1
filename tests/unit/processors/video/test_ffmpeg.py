from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from processors.errors import LimitExceededError, ToolTimeoutError
from processors.video.ffmpeg import _follow, run_ffmpeg
from processors.video.probe import ffmpeg_exe, probe

from .conftest import Progress

PROGRESS_BLOCKS = "".join(
    f"frame={n}\nout_time_us={n * 250_000}\ntotal_size={n * 1000}\nprogress=continue\n"
    for n in range(1, 9)
)


def _feed(text: str) -> subprocess.Popen[str]:
    process = subprocess.Popen(
        ["printf", "%s", text], stdout=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True
    )
    return process


def test_progress_maps_out_time_to_percent_of_duration() -> None:
    progress = Progress()
    process = _feed(PROGRESS_BLOCKS)
    assert _follow(process, 4.0, 10**9, 3600, progress, "Encoding") is None
    process.wait()
    # 0.25 s steps of a 4 s file: 6.25 %, 12.5 %, ... capped below 100 until the tool ends.
    assert progress.percents[:2] == [6.2, 12.5]
    assert progress.percents[-1] == 50.0
    assert progress.percents == sorted(progress.percents)
    assert {step for _, step in progress.calls} == {"Encoding"}


def test_output_over_the_cap_stops_the_run() -> None:
    process = _feed(PROGRESS_BLOCKS)
    assert _follow(process, 4.0, 2500, 3600, Progress(), "Encoding") == "size"
    process.kill()
    process.wait()


def test_media_longer_than_the_limit_stops_the_run_while_decoding() -> None:
    # The header promised nothing (no duration): the decoded time passes the limit.
    process = _feed(PROGRESS_BLOCKS)
    assert _follow(process, None, 10**9, 1.0, Progress(), "Encoding") == "duration"
    process.kill()
    process.wait()


def test_a_small_first_stream_cannot_hide_a_huge_second_one() -> None:
    from processors.video.probe import check_limits, parse_probe

    text = (
        "[png @ 0x1] [IMGUTILS @ 0x2] Picture size 16000x16000 exceeds specified max pixel "
        "count 33177600, see the documentation if you wish to increase it\n"
        "Input #0, avi, from 'file:two.avi':\n"
        "  Duration: 00:00:01.00, start: 0.000000, bitrate: 5975 kb/s\n"
        "  Stream #0:0: Video: png (MPNG / 0x474E504D), rgb24, 16x16, 1 fps, 1 tbr\n"
        "  Stream #0:1: Video: png (MPNG / 0x474E504D), none, 1 fps, 1 tbr, 1 tbn\n"
        "  Stream #0:2: Video: h264, yuv420p, 7680x4330, 1 fps, 1 tbr\n"
    )
    info = parse_probe(text)
    assert info is not None and info.video is not None and info.video.width == 16
    assert set(info.frame_sizes) == {(16, 16), (7680, 4330), (16000, 16000)}
    with pytest.raises(LimitExceededError, match="x"):
        check_limits(info)


def test_real_run_reports_progress_and_caps_output(clip: Path, out_dir: Path) -> None:
    info = probe(clip)
    progress = Progress()
    output = run_ffmpeg(
        clip, info, out_dir / "a.wav", ["-vn"], progress=progress, step="Extracting"
    )
    assert output.stat().st_size > 100_000
    assert progress.percents and progress.percents == sorted(progress.percents)
    with pytest.raises(LimitExceededError, match="larger than 0 MB"):
        run_ffmpeg(
            clip,
            info,
            out_dir / "b.wav",
            ["-vn"],
            progress=Progress(),
            step="x",
            max_output_bytes=1000,
        )
    assert not (out_dir / "b.wav").exists()


def test_timeout_kills_ffmpeg(clip: Path, out_dir: Path) -> None:
    info = probe(clip)
    with pytest.raises(ToolTimeoutError, match="longer than"):
        run_ffmpeg(
            clip,
            info,
            out_dir / "slow.mp4",
            ["-c:v", "libx264", "-preset", "veryslow", "-vf", "scale=1920:1080"],
            progress=Progress(),
            step="x",
            timeout=0.001,
        )
    assert not (out_dir / "slow.mp4").exists()


def _ffmpeg_writing(marker: str) -> list[int]:
    """Pids of running processes whose command line names `marker`."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cmdline = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if cmdline.split(b"\0")[0] == ffmpeg_exe().encode() and marker.encode() in cmdline:
                pids.append(int(entry.name))
    return pids


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc (Linux)")
def test_ffmpeg_dies_with_the_tool_process(long_clip: Path, tmp_path: Path) -> None:
    import signal
    import sys
    import time

    output = tmp_path / "orphan-check.mp4"
    script = (
        "import sys; from pathlib import Path\n"
        "from processors.video.ffmpeg import run_ffmpeg\n"
        "from processors.video.probe import MediaInfo, VideoStream\n"
        "info = MediaInfo('mov', 1860.0, VideoStream('h264', 16, 16, 1.0, 0), None)\n"
        "run_ffmpeg(Path(sys.argv[1]), info, Path(sys.argv[2]),\n"
        # Hours of work that print no progress: only the parent's death can stop it.
        "    ['-stats_period', '3600', '-vf', 'scale=3840:2160,boxblur=30',\n"
        "     '-c:v', 'libx264', '-preset', 'placebo'],\n"
        "    progress=lambda p, s: None, step='x')\n"
    )
    tool = subprocess.Popen([sys.executable, "-c", script, str(long_clip), str(output)])
    try:
        for _ in range(200):  # wait for FFmpeg to start (up to ~20 s on a busy machine)
            if _ffmpeg_writing(str(output)):
                break
            time.sleep(0.1)
        assert _ffmpeg_writing(str(output)), "FFmpeg never started"
        tool.send_signal(signal.SIGKILL)  # what the pipeline does at a tool's timeout
        tool.wait()
        for _ in range(100):
            if not _ffmpeg_writing(str(output)):
                break
            time.sleep(0.1)
        assert _ffmpeg_writing(str(output)) == []
    finally:
        tool.kill()
        for pid in _ffmpeg_writing(str(output)):
            os.kill(pid, signal.SIGKILL)
