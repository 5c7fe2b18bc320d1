"""Spreadsheet fixtures: small CSV/JSON files written by each test, and the tool runner."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from processors.registry import get_tool

SALES = "region,units,price,day\nNorth,1200,9.5,2025-01-02\nSouth,30,12.25,2025-01-03\n"


@pytest.fixture
def sales_csv(tmp_path: Path) -> Path:
    path = tmp_path / "sales.csv"
    path.write_text(SALES, encoding="utf-8")
    return path


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
