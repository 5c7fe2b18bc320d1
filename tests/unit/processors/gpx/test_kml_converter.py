"""gpx-kml-converter: both directions, a round trip, hostile KML refused."""

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


def test_kml_round_trip_keeps_points_times_and_names(tmp_path: Path, run_tool: RunTool) -> None:
    track = meridian_gpx(tmp_path / "walk.gpx", points=21)
    kml, _ = run_tool("gpx-kml-converter", [track])
    assert kml.suffix == ".kml"
    assert "<gx:Track>" in kml.read_text(encoding="utf-8")
    back, _ = run_tool("gpx-kml-converter", [kml])
    assert back.suffix == ".gpx"
    gpx = gpxpy.parse(back.read_text(encoding="utf-8"))
    points = gpx.tracks[0].segments[0].points
    assert gpx.tracks[0].name == "Meridian walk"
    assert len(points) == 21
    assert (points[-1].latitude, points[-1].longitude) == (pytest.approx(45.02), 0.0)
    assert points[3].elevation == pytest.approx(103.0)
    assert points[-1].time == datetime(2025, 6, 1, 8, 3, 20, tzinfo=UTC)
    assert [w.name for w in gpx.waypoints] == ["Start"]


def test_kml_line_string_becomes_a_track(tmp_path: Path, run_tool: RunTool) -> None:
    kml = tmp_path / "line.kml"
    kml.write_text(
        '<?xml version="1.0"?><kml xmlns="http://www.opengis.net/kml/2.2"><Document>'
        "<Placemark><name>Line</name><LineString><coordinates>"
        "0,45,10 0,45.001,11 0,45.002,12</coordinates></LineString></Placemark>"
        "</Document></kml>"
    )
    output, _ = run_tool("gpx-kml-converter", [kml])
    gpx = gpxpy.parse(output.read_text(encoding="utf-8"))
    assert gpx.length_2d() == pytest.approx(2 * METRES_PER_MILLIDEGREE, rel=0.005)


def test_kml_with_entities_is_refused(tmp_path: Path, run_tool: RunTool) -> None:
    kml = tmp_path / "evil.kml"
    kml.write_text(
        '<?xml version="1.0"?><!DOCTYPE kml [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        '<kml xmlns="http://www.opengis.net/kml/2.2"><Document><name>&x;</name></Document></kml>'
    )
    with pytest.raises(InvalidInputError, match="refused for safety"):
        run_tool("gpx-kml-converter", [kml])
