"""Data results (JSON outputs) as a person reads them: the unit converter's answer, GPX
statistics, EXIF and OCR text; any other tool's JSON as key/value lines."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from client.render import Rows, duration_text, number_text, table, time_text

__all__ = ["RENDERERS", "result_text"]


def _unit_answer(data: Mapping[str, Any]) -> str:
    return str(data.get("text") or f"{data.get('result')} {data.get('toUnit', '')}")


def _gpx_stats(data: Mapping[str, Any]) -> str:
    distance = data.get("distanceM")
    rows: Rows = [
        ("Track", data.get("name")),
        ("Distance", number_text(distance / 1000 if distance is not None else None, "km", 2)),
        ("Moving time", duration_text(data.get("movingTimeS"))),
        ("Stopped time", duration_text(data.get("stoppedTimeS"))),
        ("Total time", duration_text(data.get("durationS"))),
        ("Elevation gain", number_text(data.get("elevationGainM"), "m", 0)),
        ("Elevation loss", number_text(data.get("elevationLossM"), "m", 0)),
        ("Lowest point", number_text(data.get("minElevationM"), "m", 0)),
        ("Highest point", number_text(data.get("maxElevationM"), "m", 0)),
        ("Average speed", number_text(data.get("avgMovingSpeedKmh"), "km/h")),
        ("Top speed", number_text(data.get("maxSpeedKmh"), "km/h")),
        ("Start", time_text(data.get("startTime"))),
        ("End", time_text(data.get("endTime"))),
        ("Points", data.get("pointCount")),
        ("Tracks", data.get("trackCount")),
        ("Routes", data.get("routeCount") or None),
        ("Waypoints", data.get("waypointCount") or None),
    ]
    return table(rows)


def _exif_date(text: str | None) -> str | None:
    """EXIF writes 2024:05:01 10:20:30; people read 2024-05-01 10:20:30."""
    if not text or len(text) < 10:
        return text
    return text[:10].replace(":", "-") + text[10:]


def _exif_table(data: Mapping[str, Any]) -> str:
    camera = data.get("camera") or {}
    exposure = data.get("exposure") or {}
    dates = data.get("dates") or {}
    image = data.get("file") or {}
    gps = data.get("gps")
    focal = number_text(exposure.get("focalLength"), "mm", 0)
    if focal and exposure.get("focalLength35mm"):
        focal += f" ({exposure['focalLength35mm']} mm in 35 mm terms)"
    rows: Rows = [
        ("Image", f"{image.get('format')} {image.get('width')} x {image.get('height')}"),
        ("Camera", " ".join(str(v) for v in (camera.get("make"), camera.get("model")) if v)),
        ("Lens", " ".join(str(v) for v in (camera.get("lensMake"), camera.get("lensModel")) if v)),
        ("Software", camera.get("software")),
        ("Exposure", exposure.get("exposureTime")),
        ("Aperture", f"f/{exposure['fNumber']:g}" if exposure.get("fNumber") else None),
        ("ISO", exposure.get("iso")),
        ("Focal length", focal),
        ("Taken", _exif_date(dates.get("taken"))),
        ("Orientation", (data.get("orientation") or {}).get("description")),
    ]
    if gps:
        lat, lon = gps["latitude"], gps["longitude"]
        altitude = f", {gps['altitude']:.0f} m" if isinstance(gps.get("altitude"), float) else ""
        rows.append(("GPS", f"{lat:.6f}, {lon:.6f}{altitude}"))
        rows.append(("Map", f"https://www.openstreetmap.org/?mlat={lat:.6f}&mlon={lon:.6f}"))
    tags = data.get("tags") or {}
    rows.append(("EXIF tags", f"{len(tags)} (all of them with --json)" if tags else "none"))
    return table(rows)


def _ocr_text(data: Mapping[str, Any]) -> str:
    return str(data.get("text") or "(no text recognised)")


def _generic(data: Any) -> str:
    """Any other JSON: its plain values, one per line, nested keys joined with dots."""
    if not isinstance(data, Mapping):
        return str(data)
    rows: Rows = []

    def walk(prefix: str, value: Any) -> None:
        if isinstance(value, Mapping):
            for key, inner in value.items():
                walk(f"{prefix}.{key}" if prefix else str(key), inner)
        elif isinstance(value, list):
            rows.append((prefix, f"{len(value)} item(s)"))
        else:
            rows.append((prefix, value))

    walk("", data)
    return table(rows)


RENDERERS: dict[str, Callable[[Mapping[str, Any]], str]] = {
    "unit-converter": _unit_answer,
    "gpx-analyzer": _gpx_stats,
    "exif-extractor": _exif_table,
    "ocr": _ocr_text,
}


def result_text(tool: str, data: Any) -> str:
    """A tool's JSON result as a person reads it (a tool without its own view: key/values)."""
    render = RENDERERS.get(tool)
    return render(data) if render and isinstance(data, Mapping) else _generic(data)
