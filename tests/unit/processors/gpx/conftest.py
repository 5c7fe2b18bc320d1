"""Synthetic GPX with known geometry: points along the Greenwich meridian."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from processors.registry import get_tool

SAMPLE_GPX = Path(__file__).parents[5] / "shared" / "samples" / "sample_track.gpx"
METRES_PER_MILLIDEGREE = 111.2  # 1/1000 degree of latitude on a sphere of 6371 km


def meridian_gpx(
    path: Path,
    *,
    points: int = 101,
    start: datetime = datetime(2025, 6, 1, 8, 0, tzinfo=UTC),
    step_s: int = 10,
    lat0: float = 45.0,
    name: str = "Meridian walk",
    climb_m: float = 1.0,
) -> Path:
    """A track due north along lon 0, 1/1000 degree and `step_s` seconds between points."""
    rows = []
    for i in range(points):
        when = (start + timedelta(seconds=i * step_s)).strftime("%Y-%m-%dT%H:%M:%SZ")
        rows.append(
            f'<trkpt lat="{lat0 + i / 1000:.6f}" lon="0.0"><ele>{100 + i * climb_m:.1f}</ele>'
            f"<time>{when}</time></trkpt>"
        )
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<gpx version="1.1" creator="tests" xmlns="http://www.topografix.com/GPX/1/1">'
        f'<wpt lat="{lat0}" lon="0.0"><name>Start</name></wpt>'
        f"<trk><name>{name}</name><trkseg>{''.join(rows)}</trkseg></trk></gpx>",
        encoding="utf-8",
    )
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
