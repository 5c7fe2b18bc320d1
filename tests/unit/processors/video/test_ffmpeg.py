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
    assert _follow(process, 4.0, 10**9, progress, "Encoding") is False
    process.wait()
    # 0.25 s steps of a 4 s file: 6.25 %, 12.5 %, ... capped below 100 until the tool ends.
    assert progress.percents[:2] == [6.2, 12.5]
    assert progress.percents[-1] == 50.0
    assert progress.percents == sorted(progress.percents)
    assert {step for _, step in progress.calls} == {"Encoding"}


def test_output_over_the_cap_stops_the_run() -> None:
    process = _feed(PROGRESS_BLOCKS)
    assert _follow(process, 4.0, 2500, Progress(), "Encoding") is True
    process.kill()
    process.wait()


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
