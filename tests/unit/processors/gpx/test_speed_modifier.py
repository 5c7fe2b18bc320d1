"""gpx-speed-modifier: durations scale, positions stay."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import gpxpy
import pytest

from processors.errors import InvalidInputError
from tests.unit.processors.gpx.conftest import (
    METRES_PER_MILLIDEGREE,
    RunTool,
    meridian_gpx,
)


def test_speed_modifier_halves_durations(tmp_path: Path, run_tool: RunTool) -> None:
    track = meridian_gpx(tmp_path / "walk.gpx", points=11, step_s=10)
    output, _ = run_tool("gpx-speed-modifier", [track], speedFactor=2)
    gpx = gpxpy.parse(output.read_text(encoding="utf-8"))
    points = gpx.tracks[0].segments[0].points
    assert points[0].time == datetime(2025, 6, 1, 8, 0, tzinfo=UTC)
    assert (points[-1].time - points[0].time).total_seconds() == 50
    assert gpx.length_2d() == pytest.approx(10 * METRES_PER_MILLIDEGREE, rel=0.005)


def test_speed_modifier_needs_times(tmp_path: Path, run_tool: RunTool) -> None:
    path = tmp_path / "untimed.gpx"
    path.write_text('<gpx version="1.1"><trk><trkseg><trkpt lat="1" lon="2"/></trkseg></trk></gpx>')
    with pytest.raises(InvalidInputError, match="no timestamps"):
        run_tool("gpx-speed-modifier", [path])
