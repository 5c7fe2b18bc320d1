"""Synthetic GPX with known geometry: points along the Greenwich meridian."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.unit.processors.conftest import RunTool as RunTool  # re-exported for the tests

SAMPLE_GPX = Path(__file__).parents[5] / "shared" / "samples" / "sample_track.gpx"
METRES_PER_MILLIDEGREE = 111.2  # 1/1000 degree of latitude on a sphere of 6371 km


def meridian_gpx(
    path: Path,
    *,
    points: int = 101,
    start: datetime = datetime(2025, 6, 1, 8, 0, tzinfo=UTC),
    step_s: int = 10,
    lat0: float = 45.0,
    name: str = "Meridian walk",
    climb_m: float = 1.0,
) -> Path:
    """A track due north along lon 0, 1/1000 degree and `step_s` seconds between points."""
    rows = []
    for i in range(points):
        when = (start + timedelta(seconds=i * step_s)).strftime("%Y-%m-%dT%H:%M:%SZ")
        rows.append(
            f'<trkpt lat="{lat0 + i / 1000:.6f}" lon="0.0"><ele>{100 + i * climb_m:.1f}</ele>'
            f"<time>{when}</time></trkpt>"
        )
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<gpx version="1.1" creator="tests" xmlns="http://www.topografix.com/GPX/1/1">'
        f'<wpt lat="{lat0}" lon="0.0"><name>Start</name></wpt>'
        f"<trk><name>{name}</name><trkseg>{''.join(rows)}</trkseg></trk></gpx>",
        encoding="utf-8",
    )
    return path
