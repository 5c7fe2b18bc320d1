"""gpx-analyzer: a JSON report of a track: distance, times, climbing, speeds, bounds."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import Field

from processors.base import MB, Category, ProgressCallback, Tool, ToolParams
from processors.errors import InvalidInputError
from processors.formats import kind
from processors.gpx._parse import load_gpx
from processors.registry import register

if TYPE_CHECKING:
    import gpxpy.gpx

    Measurable = gpxpy.gpx.GPX | gpxpy.gpx.GPXTrack | gpxpy.gpx.GPXTrackSegment


OUTLINE_POINTS = 500
"""How many points of the track the report carries for drawing it (the site's SVG)."""


class GpxAnalyzerParams(ToolParams):
    stopped_speed_kmh: float = Field(
        default=1.0,
        ge=0,
        le=20,
        title="Stopped below (km/h)",
        description="Below this speed (km/h) time counts as stopped, not moving.",
    )


@register
class GpxAnalyzer(Tool[GpxAnalyzerParams]):
    name = "gpx-analyzer"
    display_name = "GPX analyzer"
    description = (
        "Analyse a GPX track: distance, moving time, elevation gain and loss, speeds, "
        "bounds, and statistics per segment (JSON)."
    )
    category = Category.GPX
    icon = "graph-up"
    input_kinds = (kind("gpx"),)
    output_kinds = (kind("json"),)
    max_file_size = 20 * MB
    timeout_seconds = 60
    sync = True
    Params = GpxAnalyzerParams

    def run(
        self,
        inputs: Sequence[Path],
        output_dir: Path,
        params: GpxAnalyzerParams,
        progress: ProgressCallback,
    ) -> Path:
        progress(0, "Reading track")
        gpx = load_gpx(inputs[0])
        if not any(s.points for t in gpx.tracks for s in t.segments) and not gpx.routes:
            raise InvalidInputError("This GPX file has no track points to analyse.")
        progress(40, "Measuring")
        threshold = params.stopped_speed_kmh / 3.6
        report: dict[str, Any] = {
            "name": gpx.name or next((t.name for t in gpx.tracks if t.name), None),
            **_stats(gpx, threshold),
            "bounds": _bounds(gpx),
            "trackCount": len(gpx.tracks),
            "routeCount": len(gpx.routes),
            "waypointCount": len(gpx.waypoints),
            "tracks": [
                {
                    "name": track.name,
                    **_stats(track, threshold),
                    "segments": [
                        {"index": i, **_stats(segment, threshold)}
                        for i, segment in enumerate(track.segments)
                    ],
                }
                for track in gpx.tracks
            ],
            "routes": [
                {"name": r.name, "pointCount": len(r.points), "distanceM": _round(r.length())}
                for r in gpx.routes
            ],
            "outline": _outline(gpx),
        }
        output = output_dir / f"{inputs[0].stem or 'track'}-report.json"
        output.write_text(json.dumps(report, indent=2), encoding="utf-8")
        progress(100, "Done")
        return output


def _stats(item: Measurable, stopped_speed: float) -> dict[str, Any]:
    """The same figures for a whole file, a track or one segment."""
    moving = item.get_moving_data(stopped_speed_threshold=stopped_speed)
    climb = item.get_uphill_downhill()
    start, end = item.get_time_bounds()
    moving_time = moving.moving_time if moving else 0.0
    moving_distance = moving.moving_distance if moving else 0.0
    max_speed = moving.max_speed if moving else 0.0
    elevation = item.get_elevation_extremes()
    return {
        "pointCount": item.get_points_no(),
        "distanceM": _round(item.length_2d()),
        "distance3dM": _round(item.length_3d()),
        "startTime": _iso(start),
        "endTime": _iso(end),
        "durationS": _round((end - start).total_seconds()) if start and end else None,
        "movingTimeS": _round(moving_time),
        "stoppedTimeS": _round(moving.stopped_time) if moving else 0.0,
        "elevationGainM": _round(climb.uphill),
        "elevationLossM": _round(climb.downhill),
        "minElevationM": _round(elevation.minimum) if elevation.minimum is not None else None,
        "maxElevationM": _round(elevation.maximum) if elevation.maximum is not None else None,
        "maxSpeedKmh": _round(max_speed * 3.6),
        "avgMovingSpeedKmh": _round(moving_distance / moving_time * 3.6) if moving_time else None,
    }


def _bounds(gpx: gpxpy.gpx.GPX) -> dict[str, float] | None:
    # Computed here: gpxpy's get_bounds treats a coordinate of 0.0 as missing.
    points = [(p.latitude, p.longitude) for t in gpx.tracks for s in t.segments for p in s.points]
    points += [(p.latitude, p.longitude) for r in gpx.routes for p in r.points]
    points += [(w.latitude, w.longitude) for w in gpx.waypoints]
    latitudes = [lat for lat, _ in points]
    longitudes = [lon for _, lon in points]
    if not latitudes:
        return None
    return {
        "minLat": min(latitudes),
        "minLon": min(longitudes),
        "maxLat": max(latitudes),
        "maxLon": max(longitudes),
    }


def _outline(gpx: gpxpy.gpx.GPX) -> list[list[float]]:
    """At most OUTLINE_POINTS [lat, lon] pairs along the tracks (or routes): enough to draw."""
    points = [(p.latitude, p.longitude) for t in gpx.tracks for s in t.segments for p in s.points]
    if not points:
        points = [(p.latitude, p.longitude) for r in gpx.routes for p in r.points]
    step = max(1, -(-len(points) // OUTLINE_POINTS))
    kept = points[::step]
    if points and kept[-1] != points[-1]:
        kept.append(points[-1])
    return [[round(lat, 6), round(lon, 6)] for lat, lon in kept]


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _round(value: float | None) -> float:
    return round(value or 0.0, 3)
