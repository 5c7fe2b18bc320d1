"""gpx-merger: several GPX files into one, tracks ordered by their start time."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import Field

from processors.base import MB, Category, ProgressCallback, Tool, ToolParams
from processors.errors import InvalidInputError, LimitExceededError
from processors.formats import kind
from processors.gpx._parse import MAX_POINTS, count_points, load_gpx
from processors.labels import enum_labels
from processors.registry import register

if TYPE_CHECKING:
    import gpxpy.gpx


class GpxMergerParams(ToolParams):
    mode: Literal["separate_tracks", "single_track"] = Field(
        default="separate_tracks",
        title="Merge mode",
        description="Keep each track apart, or join all into one track (one segment each).",
        json_schema_extra=enum_labels(
            {"separate_tracks": "Keep tracks separate", "single_track": "Join into one track"}
        ),
    )
    include_waypoints: bool = Field(
        default=True, title="Include waypoints", description="Keep the files' waypoints."
    )
    include_routes: bool = Field(
        default=True, title="Include routes", description="Keep the files' routes."
    )


@register
class GpxMerger(Tool[GpxMergerParams]):
    name = "gpx-merger"
    display_name = "Merge GPX tracks"
    description = "Merge several GPX files into one; tracks are ordered by their start time."
    category = Category.GPX
    icon = "intersect"
    input_kinds = (kind("gpx"),)
    output_kinds = (kind("gpx"),)
    min_files = 2
    max_files = 20
    max_file_size = 20 * MB
    timeout_seconds = 120
    Params = GpxMergerParams

    def run(
        self,
        inputs: Sequence[Path],
        output_dir: Path,
        params: GpxMergerParams,
        progress: ProgressCallback,
    ) -> Path:
        import gpxpy.gpx

        merged = gpxpy.gpx.GPX()
        merged.name = "Merged track"
        tracks: list[gpxpy.gpx.GPXTrack] = []
        total = 0
        for done, path in enumerate(inputs, start=1):
            try:
                gpx = load_gpx(path)
            except InvalidInputError as exc:
                raise type(exc)(f"File {done}: {exc.message}") from None
            total += count_points(gpx)
            if total > MAX_POINTS:
                raise LimitExceededError(f"The merged file would have over {MAX_POINTS} points.")
            tracks.extend(gpx.tracks)
            if params.include_waypoints:
                merged.waypoints.extend(gpx.waypoints)
            if params.include_routes:
                merged.routes.extend(gpx.routes)
            progress(80 * done / len(inputs), f"Read file {done}/{len(inputs)}")
        if not tracks:
            raise InvalidInputError("None of these GPX files holds a track.")
        tracks.sort(key=_start_key)  # stable: untimed tracks keep upload order, at the end
        if params.mode == "single_track":
            single = gpxpy.gpx.GPXTrack(name="Merged track")
            single.segments = [s for t in tracks for s in t.segments]
            merged.tracks = [single]
        else:
            merged.tracks = tracks
        progress(90, "Writing GPX")
        output = output_dir / f"{inputs[0].stem or 'track'}-merged.gpx"
        output.write_text(merged.to_xml(), encoding="utf-8")
        progress(100, "Done")
        return output


def _start_key(track: gpxpy.gpx.GPXTrack) -> tuple[bool, datetime]:
    start = track.get_time_bounds().start_time
    if start is None:
        return (True, datetime.min)
    return (False, start.astimezone(UTC).replace(tzinfo=None) if start.tzinfo else start)
