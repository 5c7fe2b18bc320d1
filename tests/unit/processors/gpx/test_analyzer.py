"""gpx-analyzer: figures of a meridian track of known length and duration."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from processors.errors import InvalidInputError
from tests.unit.processors.gpx.conftest import (
    METRES_PER_MILLIDEGREE,
    SAMPLE_GPX,
    RunTool,
    meridian_gpx,
)


def test_analyzer_measures_distance_time_climb_and_speed(tmp_path: Path, run_tool: RunTool) -> None:
    track = meridian_gpx(tmp_path / "walk.gpx", points=101, step_s=10, climb_m=1.0)
    output, calls = run_tool("gpx-analyzer", [track])
    report = json.loads(output.read_text(encoding="utf-8"))
    expected = 100 * METRES_PER_MILLIDEGREE
    assert report["distanceM"] == pytest.approx(expected, rel=0.005)
    assert report["durationS"] == 1000
    assert report["movingTimeS"] == 1000
    assert report["elevationGainM"] == pytest.approx(100, abs=1)
    assert report["elevationLossM"] == pytest.approx(0, abs=0.5)
    # 111.2 m every 10 s is 40.0 km/h
    assert report["avgMovingSpeedKmh"] == pytest.approx(40.03, rel=0.005)
    assert report["maxSpeedKmh"] == pytest.approx(40.03, rel=0.005)
    assert report["bounds"] == {"minLat": 45.0, "minLon": 0.0, "maxLat": 45.1, "maxLon": 0.0}
    assert report["waypointCount"] == 1
    segment = report["tracks"][0]["segments"][0]
    assert segment["pointCount"] == 101
    assert segment["distanceM"] == report["distanceM"]
    assert [p for p, _ in calls][-1] == 100


def test_analyzer_on_the_shared_sample(run_tool: RunTool) -> None:
    if not SAMPLE_GPX.is_file():
        pytest.skip("shared sample sample_track.gpx absent")
    report = json.loads(run_tool("gpx-analyzer", [SAMPLE_GPX])[0].read_text())
    assert report["tracks"][0]["name"] == "Downtown Seattle Walk"
    assert report["durationS"] == 1200
    assert report["routeCount"] == 1 and report["waypointCount"] == 2
    assert 350 < report["distanceM"] < 450


def test_analyzer_refuses_a_file_without_points(tmp_path: Path, run_tool: RunTool) -> None:
    empty = tmp_path / "empty.gpx"
    empty.write_text('<gpx version="1.1" xmlns="http://www.topografix.com/GPX/1/1"></gpx>')
    with pytest.raises(InvalidInputError, match="no track points"):
        run_tool("gpx-analyzer", [empty])


def test_analyzer_outline_keeps_ends_and_stays_small(tmp_path: Path, run_tool: RunTool) -> None:
    from processors.gpx.analyzer import OUTLINE_POINTS

    track = meridian_gpx(tmp_path / "long.gpx", points=1201, step_s=1, climb_m=0.0)
    report = json.loads(run_tool("gpx-analyzer", [track])[0].read_text(encoding="utf-8"))
    outline = report["outline"]
    assert 2 < len(outline) <= OUTLINE_POINTS + 1
    assert outline[0] == [45.0, 0.0]
    assert outline[-1] == [pytest.approx(46.2), 0.0]  # 1200 steps of 1/1000 degree
    assert [lat for lat, _ in outline] == sorted(lat for lat, _ in outline)
