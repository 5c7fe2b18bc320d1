"""Fixtures for every tool family: run a tool by name as the pipeline does."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from processors.registry import get_tool

RunTool = Callable[..., tuple[Path, list[tuple[float, str]]]]


@pytest.fixture
def run_tool(tmp_path: Path) -> RunTool:
    """Run a tool by name as the pipeline does; returns the output and the progress calls."""

    def run(name: str, inputs: list[Path], **params: Any) -> tuple[Path, list[tuple[float, str]]]:
        tool = get_tool(name)
        assert tool is not None, name
        calls: list[tuple[float, str]] = []
        out_dir = tmp_path / f"out-{name}"
        out_dir.mkdir(exist_ok=True)
        output = tool.run(
            inputs, out_dir, tool.parse_params(params), lambda p, s: calls.append((p, s))
        )
        assert output.parent == out_dir and output.is_file()
        return output, calls

    return run


@pytest.fixture
def out_dir(tmp_path: Path) -> Path:
    path = tmp_path / "out"
    path.mkdir()
    return path


class Progress:
    """A progress callback that records every call."""

    def __init__(self) -> None:
        self.calls: list[tuple[float, str]] = []

    def __call__(self, percent: float, step: str) -> None:
        self.calls.append((percent, step))

    @property
    def percents(self) -> list[float]:
        return [p for p, _ in self.calls]
