"""gpx-merger: tracks ordered by start time, separate or joined."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import gpxpy
import pytest

from processors.errors import InvalidInputError
from tests.unit.processors.gpx.conftest import (
    RunTool,
    meridian_gpx,
)


def test_merger_orders_tracks_by_start_time(tmp_path: Path, run_tool: RunTool) -> None:
    late = meridian_gpx(
        tmp_path / "late.gpx", name="Late", start=datetime(2025, 6, 2, 9, tzinfo=UTC), points=5
    )
    early = meridian_gpx(
        tmp_path / "early.gpx", name="Early", start=datetime(2025, 6, 1, 9, tzinfo=UTC), points=7
    )
    output, calls = run_tool("gpx-merger", [late, early])
    gpx = gpxpy.parse(output.read_text(encoding="utf-8"))
    assert [t.name for t in gpx.tracks] == ["Early", "Late"]
    assert gpx.get_track_points_no() == 12
    assert len(gpx.waypoints) == 2
    percents = [p for p, _ in calls]
    assert percents == sorted(percents) and percents[-1] == 100


def test_merger_single_track_keeps_one_segment_per_file(tmp_path: Path, run_tool: RunTool) -> None:
    first = meridian_gpx(tmp_path / "a.gpx", points=3)
    second = meridian_gpx(tmp_path / "b.gpx", points=4, start=datetime(2025, 7, 1, tzinfo=UTC))
    output, _ = run_tool("gpx-merger", [first, second], mode="single_track")
    gpx = gpxpy.parse(output.read_text(encoding="utf-8"))
    assert len(gpx.tracks) == 1
    assert [len(s.points) for s in gpx.tracks[0].segments] == [3, 4]


def test_merger_names_the_bad_file(tmp_path: Path, run_tool: RunTool) -> None:
    good = meridian_gpx(tmp_path / "a.gpx", points=3)
    bad = tmp_path / "b.gpx"
    bad.write_text("<gpx><trk>")
    with pytest.raises(InvalidInputError, match="File 2"):
        run_tool("gpx-merger", [good, bad])
