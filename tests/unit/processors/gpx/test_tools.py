"""The GPX tools on synthetic tracks of known length and duration."""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime
from pathlib import Path

import gpxpy
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


def test_geojson_has_lon_lat_ele_coordinates(tmp_path: Path, run_tool: RunTool) -> None:
    track = meridian_gpx(tmp_path / "walk.gpx", points=3)
    output, _ = run_tool("gpx-to-geojson", [track])
    collection = json.loads(output.read_text(encoding="utf-8"))
    assert output.suffix == ".geojson"
    line, point = collection["features"]
    assert line["geometry"]["type"] == "MultiLineString"
    assert line["geometry"]["coordinates"] == [
        [[0.0, 45.0, 100.0], [0.0, 45.001, 101.0], [0.0, 45.002, 102.0]]
    ]
    assert line["properties"]["times"][0][1] == "2025-06-01T08:00:10+00:00"
    assert point["geometry"] == {"type": "Point", "coordinates": [0.0, 45.0]}
    assert point["properties"]["name"] == "Start"


def test_csv_has_a_row_per_point(tmp_path: Path, run_tool: RunTool) -> None:
    track = meridian_gpx(tmp_path / "walk.gpx", points=3)
    output, _ = run_tool("gpx-to-geojson", [track], format="csv", includeWaypoints=False)
    with output.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 3
    assert rows[2] == {
        "kind": "track",
        "name": "Meridian walk",
        "segment": "0",
        "index": "2",
        "lat": "45.002",
        "lon": "0.0",
        "ele": "102.0",
        "time": "2025-06-01T08:00:20+00:00",
    }
