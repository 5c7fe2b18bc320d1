"""Running FFmpeg safely, with real progress and an output size cap.

Every run: no stdin, only local files, the input demuxer forced to what the probe found,
`-progress pipe:1` parsed into percents of the expected duration, killed at the timeout,
when the output grows past the cap, or when the media turns out longer than the duration limit
while it is decoded (a file may omit its duration or lie about it), and no decoded frame
over 8K (`-max_pixels`). FFmpeg's own messages go to the log, never to the user.
"""

from __future__ import annotations

import logging
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from pathlib import Path

from processors.base import MB, ProgressCallback
from processors.errors import InvalidInputError, LimitExceededError, ToolTimeoutError
from processors.video.probe import MAX_DURATION_SECONDS, MAX_PIXELS_ARGS, MediaInfo, ffmpeg_exe

__all__ = ["MAX_OUTPUT_BYTES", "run_ffmpeg"]

logger = logging.getLogger(__name__)

MAX_OUTPUT_BYTES = 1024 * MB


def run_ffmpeg(
    source: Path,
    info: MediaInfo,
    output: Path,
    output_args: Sequence[str],
    *,
    progress: ProgressCallback,
    step: str,
    input_args: Sequence[str] = (),
    expected_seconds: float | None = None,
    timeout: float = 600,
    max_output_bytes: int = MAX_OUTPUT_BYTES,
    max_seconds: float = MAX_DURATION_SECONDS,
    failure: str = "The file is not a readable video",
) -> Path:
    """Run one FFmpeg conversion of `source` into `output`, reporting 0-99 % as it goes.

    `expected_seconds` is the output duration that means 100 % (default: the probed one).
    """
    command = [
        ffmpeg_exe(),
        "-hide_banner",
        "-nostdin",
        "-y",
        "-loglevel",
        "error",
        "-protocol_whitelist",
        "file,pipe",
        *MAX_PIXELS_ARGS,
        *input_args,
        "-f",
        info.demuxer,
        "-i",
        f"file:{source}",
        *output_args,
        "-progress",
        "pipe:1",
        "-nostats",
        f"file:{output}",
    ]
    total = expected_seconds if expected_seconds is not None else info.duration
    with tempfile.TemporaryFile(mode="w+") as errors:
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=errors,
            text=True,
            preexec_fn=_die_with_parent if sys.platform == "linux" else None,
        )
        timed_out = threading.Event()

        def kill() -> None:
            timed_out.set()
            process.kill()

        timer = threading.Timer(timeout, kill)
        timer.start()
        stopped: str | None = None
        try:
            stopped = _follow(process, total, max_output_bytes, max_seconds, progress, step)
        finally:
            timer.cancel()
            if stopped or timed_out.is_set():
                process.kill()
            returncode = process.wait()
        errors.seek(0)
        stderr = errors.read()[-2000:]
    if timed_out.is_set():
        output.unlink(missing_ok=True)
        raise ToolTimeoutError(f"Processing took longer than {timeout:.0f} seconds")
    if stopped == "duration":
        output.unlink(missing_ok=True)
        raise LimitExceededError(
            f"The file lasts longer than {max_seconds / 60:.0f} minutes, the limit "
            "(found while reading it: its header does not say how long it is)"
        )
    if stopped == "size":
        output.unlink(missing_ok=True)
        raise LimitExceededError(
            f"The result would be larger than {max_output_bytes // MB} MB; "
            "try a lower quality or a smaller size"
        )
    if returncode != 0 or not output.exists() or output.stat().st_size == 0:
        logger.warning("ffmpeg failed (exit %s): %s", returncode, stderr)
        output.unlink(missing_ok=True)
        raise InvalidInputError(failure)
    return output


def _die_with_parent() -> None:
    """In the FFmpeg child before exec: get SIGKILL when the tool process dies.

    The pipeline kills a tool's process at its timeout; without this, FFmpeg would be
    orphaned and keep encoding for nobody.
    """
    import ctypes
    import signal

    pr_set_pdeathsig = 1
    ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL)


def _follow(
    process: subprocess.Popen[str],
    total: float | None,
    max_output_bytes: int,
    max_seconds: float,
    progress: ProgressCallback,
    step: str,
) -> str | None:
    """Read `-progress` blocks until FFmpeg ends; "size" or "duration" when a cap was passed."""
    assert process.stdout is not None
    last = -1.0
    last_time = 0.0
    for line in process.stdout:
        key, _, value = line.strip().partition("=")
        if key == "total_size" and value.isdigit() and int(value) > max_output_bytes:
            return "size"
        if key == "out_time_us" and value.lstrip("-").isdigit() and int(value) > max_seconds * 1e6:
            return "duration"
        if key == "out_time_us" and value.lstrip("-").isdigit() and total:
            percent = min(99.0, max(0.0, int(value) / 1e6 / total * 100))
            now = time.monotonic()
            if percent > last and (percent - last >= 1 or now - last_time >= 1):
                progress(round(percent, 1), step)
                last, last_time = percent, now
    return None
