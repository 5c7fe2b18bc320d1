"""Test-only tools, registered only by this test app (never by the product)."""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path

from processors.base import Category, ProgressCallback, Tool, ToolParams
from processors.formats import kind
from processors.registry import register


class _TestTool(Tool[ToolParams]):
    display_name = "test only"
    description = "test only"
    category = Category.DATA
    input_kinds = (kind("binary"),)
    output_kinds = (kind("text"),)


@register
class AlwaysFlaky(_TestTool):
    """Raises a transient error on every attempt: the queue retries, then poisons."""

    name = "test-always-flaky"

    def run(
        self,
        inputs: Sequence[Path],
        output_dir: Path,
        params: ToolParams,
        progress: ProgressCallback,
    ) -> Path:
        raise ConnectionError("upstream unavailable")


@register
class Slow(_TestTool):
    """Takes a few seconds and reports progress along the way."""

    name = "test-slow"

    def run(
        self,
        inputs: Sequence[Path],
        output_dir: Path,
        params: ToolParams,
        progress: ProgressCallback,
    ) -> Path:
        for percent in (10, 30, 50, 70, 90):
            progress(percent, f"Working {percent}")
            time.sleep(0.7)
        output = output_dir / "slow.txt"
        output.write_bytes(inputs[0].read_bytes().upper())
        return output


@register
class Joiner(_TestTool):
    """Several inputs, joined in upload order."""

    name = "test-join"
    min_files = 2
    max_files = 3

    def run(
        self,
        inputs: Sequence[Path],
        output_dir: Path,
        params: ToolParams,
        progress: ProgressCallback,
    ) -> Path:
        output = output_dir / "joined.txt"
        output.write_bytes(b"|".join(p.read_bytes() for p in inputs))
        return output
