"""gpx-to-geojson: tracks, routes and waypoints as GeoJSON, or every point as CSV rows."""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field

from processors.base import MB, Category, ProgressCallback, Tool, ToolParams
from processors.csv_cells import escape_formula
from processors.formats import kind
from processors.gpx._parse import load_gpx
from processors.labels import enum_labels
from processors.registry import register

if TYPE_CHECKING:
    import gpxpy.gpx

    AnyPoint = gpxpy.gpx.GPXWaypoint | gpxpy.gpx.GPXRoutePoint | gpxpy.gpx.GPXTrackPoint

CSV_COLUMNS = ("kind", "name", "segment", "index", "lat", "lon", "ele", "time")


class GpxToGeoJsonParams(ToolParams):
    format: Literal["geojson", "csv"] = Field(
        default="geojson",
        title="Output format",
        description="GeoJSON features, or a CSV row per point.",
        json_schema_extra=enum_labels({"geojson": "GeoJSON", "csv": "CSV (a row per point)"}),
    )
    include_waypoints: bool = Field(
        default=True, title="Include waypoints", description="Include the waypoints."
    )
    include_routes: bool = Field(
        default=True, title="Include routes", description="Include the routes."
    )
    escape_formulas: bool = Field(
        default=True,
        title="Escape formulas",
        description=(
            "CSV: start text cells beginning with = + - @ (or a tab or carriage return) with "
            "a ' so spreadsheet apps show them as text instead of running them as formulas."
        ),
    )


@register
class GpxToGeoJson(Tool[GpxToGeoJsonParams]):
    name = "gpx-to-geojson"
    display_name = "GPX to GeoJSON / CSV"
    description = "Convert a GPX file to GeoJSON (LineStrings and Points) or to a CSV of points."
    category = Category.GPX
    icon = "geo-alt"
    input_kinds = (kind("gpx"),)
    output_kinds = (kind("geojson"), kind("csv"))
    max_file_size = 20 * MB
    timeout_seconds = 120
    Params = GpxToGeoJsonParams

    def run(
        self,
        inputs: Sequence[Path],
        output_dir: Path,
        params: GpxToGeoJsonParams,
        progress: ProgressCallback,
    ) -> Path:
        progress(0, "Reading track")
        gpx = load_gpx(inputs[0])
        stem = inputs[0].stem or "track"
        progress(50, f"Writing {params.format.upper()}")
        if params.format == "csv":
            output = output_dir / f"{stem}.csv"
            with output.open("w", encoding="utf-8", newline="") as handle:
                writer = csv.writer(handle)
                writer.writerow(CSV_COLUMNS)
                for row in _csv_rows(gpx, params):
                    writer.writerow(
                        [escape_formula(v) for v in row] if params.escape_formulas else row
                    )
        else:
            output = output_dir / f"{stem}.geojson"
            collection = {"type": "FeatureCollection", "features": _features(gpx, params)}
            output.write_text(json.dumps(collection), encoding="utf-8")
        progress(100, "Done")
        return output


def _features(gpx: gpxpy.gpx.GPX, params: GpxToGeoJsonParams) -> list[dict[str, Any]]:
    features = []
    for number, track in enumerate(gpx.tracks, start=1):
        lines = [[_position(p) for p in s.points] for s in track.segments if len(s.points) > 1]
        if lines:
            times = [[_time(p) for p in s.points] for s in track.segments if len(s.points) > 1]
            features.append(
                _feature(
                    {"type": "MultiLineString", "coordinates": lines},
                    {"kind": "track", "name": track.name or f"Track {number}", "times": times},
                )
            )
    if params.include_routes:
        for route in gpx.routes:
            coordinates = [_position(p) for p in route.points]
            if len(coordinates) > 1:
                features.append(
                    _feature(
                        {"type": "LineString", "coordinates": coordinates},
                        {"kind": "route", "name": route.name},
                    )
                )
    if params.include_waypoints:
        for waypoint in gpx.waypoints:
            features.append(
                _feature(
                    {"type": "Point", "coordinates": _position(waypoint)},
                    {
                        "kind": "waypoint",
                        "name": waypoint.name,
                        "description": waypoint.description,
                        "time": _time(waypoint),
                    },
                )
            )
    return features


def _csv_rows(gpx: gpxpy.gpx.GPX, params: GpxToGeoJsonParams) -> list[list[Any]]:
    rows: list[list[Any]] = []
    for number, track in enumerate(gpx.tracks, start=1):
        for s, segment in enumerate(track.segments):
            name = track.name or f"Track {number}"
            rows.extend(_csv_row("track", name, s, i, p) for i, p in enumerate(segment.points))
    if params.include_routes:
        for route in gpx.routes:
            rows.extend(_csv_row("route", route.name, 0, i, p) for i, p in enumerate(route.points))
    if params.include_waypoints:
        rows.extend(_csv_row("waypoint", w.name, "", i, w) for i, w in enumerate(gpx.waypoints))
    return rows


def _csv_row(
    kind_: str, name: str | None, segment: int | str, index: int, p: AnyPoint
) -> list[Any]:
    elevation = "" if p.elevation is None else p.elevation
    return [kind_, name or "", segment, index, p.latitude, p.longitude, elevation, _time(p) or ""]


def _feature(geometry: dict[str, Any], properties: dict[str, Any]) -> dict[str, Any]:
    return {"type": "Feature", "geometry": geometry, "properties": properties}


def _position(point: AnyPoint) -> list[float]:
    """GeoJSON order: longitude, latitude, then elevation when known."""
    position = [point.longitude, point.latitude]
    if point.elevation is not None:
        position.append(point.elevation)
    return position


def _time(point: AnyPoint) -> str | None:
    return point.time.isoformat() if point.time else None
