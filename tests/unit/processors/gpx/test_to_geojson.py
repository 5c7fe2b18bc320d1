"""gpx-to-geojson: GeoJSON coordinates (lon, lat, ele) and CSV rows."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from tests.unit.processors.gpx.conftest import (
    RunTool,
    meridian_gpx,
)


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
