"""gpx-speed-modifier: replay a track faster or slower by scaling its timestamps."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import Field

from processors.base import MB, Category, ProgressCallback, Tool, ToolParams
from processors.errors import InvalidInputError
from processors.formats import kind
from processors.gpx._parse import load_gpx
from processors.registry import register

if TYPE_CHECKING:
    import gpxpy.gpx


class GpxSpeedParams(ToolParams):
    speed_factor: float = Field(
        default=2.0,
        gt=0.01,
        le=100,
        title="Speed factor",
        description="2 makes the track twice as fast (durations halved); 0.5 twice as slow.",
    )


@register
class GpxSpeedModifier(Tool[GpxSpeedParams]):
    name = "gpx-speed-modifier"
    display_name = "GPX speed modifier"
    description = "Make a GPX track faster or slower: every time is rescaled from the start."
    category = Category.GPX
    icon = "speedometer2"
    input_kinds = (kind("gpx"),)
    output_kinds = (kind("gpx"),)
    max_file_size = 20 * MB
    timeout_seconds = 120
    Params = GpxSpeedParams

    def run(
        self,
        inputs: Sequence[Path],
        output_dir: Path,
        params: GpxSpeedParams,
        progress: ProgressCallback,
    ) -> Path:
        progress(0, "Reading track")
        gpx = load_gpx(inputs[0])
        times = [p.time for p in _timed(gpx) if p.time is not None]
        if not times:
            raise InvalidInputError("This GPX file has no timestamps to rescale.")
        start = min(times, key=lambda t: t.replace(tzinfo=None))  # mixed kinds compare
        progress(50, "Rescaling times")
        for point in _timed(gpx):
            if point.time is not None:
                point.time = _scaled(point.time, start, params.speed_factor)
        if gpx.time is not None:
            gpx.time = _scaled(gpx.time, start, params.speed_factor)
        output = output_dir / f"{inputs[0].stem or 'track'}-x{params.speed_factor:g}.gpx"
        output.write_text(gpx.to_xml(), encoding="utf-8")
        progress(100, "Done")
        return output


def _timed(
    gpx: gpxpy.gpx.GPX,
) -> Iterator[gpxpy.gpx.GPXWaypoint | gpxpy.gpx.GPXRoutePoint | gpxpy.gpx.GPXTrackPoint]:
    """Every point that may carry a time: track points, route points and waypoints."""
    for track in gpx.tracks:
        for segment in track.segments:
            yield from segment.points
    for route in gpx.routes:
        yield from route.points
    yield from gpx.waypoints


def _scaled(moment: datetime, start: datetime, factor: float) -> datetime:
    # Comparing naive with aware times raises: align to the start's kind first.
    if (moment.tzinfo is None) != (start.tzinfo is None):
        moment = moment.replace(tzinfo=start.tzinfo)
    return start + (moment - start) / factor
