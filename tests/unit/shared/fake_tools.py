"""Tools that misbehave on purpose, for the runner and processing tests only.

Importing this module registers them; the `fake_tools` fixture removes them again so
the product catalog seen by other tests is unchanged.
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from pathlib import Path

from processors.base import Category, ProgressCallback, Tool, ToolParams
from processors.errors import InvalidInputError, ToolTimeoutError
from processors.formats import kind
from processors.registry import register


class _Base(Tool[ToolParams]):
    display_name = "test"
    description = "test only"
    category = Category.DATA
    input_kinds = (kind("binary"),)
    output_kinds = (kind("text"),)


@register
class SleepyTool(_Base):
    name = "test-sleepy"
    timeout_seconds = 1

    def run(
        self,
        inputs: Sequence[Path],
        output_dir: Path,
        params: ToolParams,
        progress: ProgressCallback,
    ) -> Path:
        progress(10, "Sleeping")
        time.sleep(60)
        raise AssertionError("unreachable")


@register
class CrashingTool(_Base):
    name = "test-crash"

    def run(
        self,
        inputs: Sequence[Path],
        output_dir: Path,
        params: ToolParams,
        progress: ProgressCallback,
    ) -> Path:
        os._exit(3)  # what a segfault in a native library looks like to the parent


@register
class PickyTool(_Base):
    name = "test-picky"

    def run(
        self,
        inputs: Sequence[Path],
        output_dir: Path,
        params: ToolParams,
        progress: ProgressCallback,
    ) -> Path:
        raise InvalidInputError("this file is not to my taste")


@register
class BrokenTool(_Base):
    name = "test-broken"

    def run(
        self,
        inputs: Sequence[Path],
        output_dir: Path,
        params: ToolParams,
        progress: ProgressCallback,
    ) -> Path:
        raise RuntimeError("disk on fire")


@register
class SteppingTool(_Base):
    name = "test-stepping"

    def run(
        self,
        inputs: Sequence[Path],
        output_dir: Path,
        params: ToolParams,
        progress: ProgressCallback,
    ) -> Path:
        for percent in (10, 40, 70):
            progress(percent, f"Step {percent}")
            time.sleep(0.6)
        output = output_dir / "out.txt"
        output.write_text("stepped")
        return output


@register
class WatchdogTool(_Base):
    """Gives up on its own, as the FFmpeg tools do when their encoder runs too long."""

    name = "test-watchdog"

    def run(
        self,
        inputs: Sequence[Path],
        output_dir: Path,
        params: ToolParams,
        progress: ProgressCallback,
    ) -> Path:
        raise ToolTimeoutError("Processing took longer than 5 seconds")


@register
class HungryTool(_Base):
    """Allocates memory until stopped; starts an FFmpeg-like child that sleeps meanwhile."""

    name = "test-hungry"

    def run(
        self,
        inputs: Sequence[Path],
        output_dir: Path,
        params: ToolParams,
        progress: ProgressCallback,
    ) -> Path:
        import subprocess
        import sys

        helper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
        (output_dir / "helper.pid").write_text(str(helper.pid))
        hoard = []
        for _ in range(80):  # 4 GB at most: the runner stops it long before
            hoard.append(b"x" * (50 * 1024 * 1024))  # written, so resident
            time.sleep(0.02)
        raise AssertionError("unreachable")


@register
class HungryGrandchildTool(_Base):
    """Leaves the hoarding to a helper it starts after a while (an FFmpeg that grows)."""

    name = "test-hungry-grandchild"

    def run(
        self,
        inputs: Sequence[Path],
        output_dir: Path,
        params: ToolParams,
        progress: ProgressCallback,
    ) -> Path:
        import subprocess
        import sys

        time.sleep(1.5)  # past the runner's first listing of the tree
        hoarder = (
            "import time\nhoard = []\n"
            "for _ in range(80):\n    hoard.append(b'x' * 50 * 2**20)\n    time.sleep(0.02)"
        )
        helper = subprocess.Popen([sys.executable, "-c", hoarder])
        (output_dir / "helper.pid").write_text(str(helper.pid))
        helper.wait()
        raise AssertionError("unreachable")


@register
class ForkingSleeperTool(_Base):
    """Starts a helper process (its grandchild, seen from the runner), then outlives its time."""

    name = "test-forking-sleeper"

    def run(
        self,
        inputs: Sequence[Path],
        output_dir: Path,
        params: ToolParams,
        progress: ProgressCallback,
    ) -> Path:
        import subprocess
        import sys

        helper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
        (output_dir / "helper.pid").write_text(str(helper.pid))
        time.sleep(60)
        raise AssertionError("unreachable")


class ConcatParams(ToolParams):
    with_names: bool = False


@register
class ConcatTool(_Base):
    """Multi-file: joins its inputs in upload order (each after `name:` with `with_names`)."""

    name = "test-concat"
    min_files = 2
    max_files = 3
    Params = ConcatParams

    def run(
        self,
        inputs: Sequence[Path],
        output_dir: Path,
        params: ConcatParams,
        progress: ProgressCallback,
    ) -> Path:  # type: ignore[override]
        output = output_dir / "joined.txt"
        prefix = (lambda p: f"{p.name}:".encode()) if params.with_names else (lambda p: b"")
        output.write_bytes(b"".join(prefix(p) + p.read_bytes() for p in inputs))
        return output


class EchoParams(ToolParams):
    text: str = "hi"
    times: int = 1


@register
class EchoTool(_Base):
    """No file, answers inline: repeats `text`."""

    name = "test-echo"
    input_kinds = ()
    min_files = 0
    max_files = 0
    sync = True
    Params = EchoParams

    def run(
        self,
        inputs: Sequence[Path],
        output_dir: Path,
        params: EchoParams,
        progress: ProgressCallback,
    ) -> Path:  # type: ignore[override]
        output = output_dir / "echo.txt"
        output.write_text(params.text * params.times)
        return output


CLASSES = (
    SleepyTool,
    CrashingTool,
    PickyTool,
    BrokenTool,
    SteppingTool,
    WatchdogTool,
    HungryTool,
    ForkingSleeperTool,
    ConcatTool,
    EchoTool,
)
NAMES = tuple(cls.name for cls in CLASSES)
