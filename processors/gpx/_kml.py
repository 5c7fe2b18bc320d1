"""GPX ⇄ KML/KMZ: tracks as LineStrings (gx:Track when timed), waypoints as Points.

KML is read through `parse_safe_xml` (defusedxml): Placemarks with a LineString or a
gx:Track become tracks, Points become waypoints, with names, elevations and times kept.
A KMZ is a ZIP archive around the KML (`doc.kml`, sometimes with images beside it): its
KML is read with a bounded read, so a zip bomb stops at `MAX_KMZ_KML_BYTES`.
"""

from __future__ import annotations

import zipfile
import zlib
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING
from xml.etree import ElementTree as ET

from processors.errors import InvalidInputError, LimitExceededError
from processors.gpx._parse import MAX_POINTS, parse_safe_xml

if TYPE_CHECKING:
    from collections.abc import Sequence

    import gpxpy.gpx

    AnyPoint = gpxpy.gpx.GPXWaypoint | gpxpy.gpx.GPXRoutePoint | gpxpy.gpx.GPXTrackPoint

__all__ = ["MAX_KMZ_KML_BYTES", "gpx_to_kml", "load_kml_as_gpx", "read_kmz", "write_kmz"]

KML_NS = "http://www.opengis.net/kml/2.2"
GX_NS = "http://www.google.com/kml/ext/2.2"

MAX_KMZ_KML_BYTES = 100 * 1024 * 1024
"""The KML inside a KMZ, unpacked; 500k points of gx:Track take about 40 MB."""


def gpx_to_kml(gpx: gpxpy.gpx.GPX, *, name: str) -> bytes:
    """A KML document with one Placemark per waypoint, route and track segment."""
    ET.register_namespace("", KML_NS)
    ET.register_namespace("gx", GX_NS)
    kml = ET.Element(f"{{{KML_NS}}}kml")
    document = _sub(kml, "Document")
    _sub(document, "name", gpx.name or name)
    for waypoint in gpx.waypoints:
        placemark = _placemark(document, waypoint.name or "Waypoint", waypoint.description)
        point = _sub(placemark, "Point")
        _sub(point, "coordinates", _coordinate(waypoint))
    for route in gpx.routes:
        placemark = _placemark(document, route.name or "Route", route.description)
        _line_string(placemark, route.points)
    for track_number, track in enumerate(gpx.tracks, start=1):
        for segment_number, segment in enumerate(track.segments, start=1):
            label = track.name or f"Track {track_number}"
            if len(track.segments) > 1:
                label = f"{label} ({segment_number})"
            placemark = _placemark(document, label, track.description)
            if segment.points and all(p.time is not None for p in segment.points):
                gx_track = ET.SubElement(placemark, f"{{{GX_NS}}}Track")
                _sub(gx_track, "altitudeMode", "absolute")
                for p in segment.points:
                    _sub(gx_track, "when", p.time.isoformat() if p.time else "")
                for p in segment.points:
                    ET.SubElement(gx_track, f"{{{GX_NS}}}coord").text = _coordinate(p, sep=" ")
            else:
                _line_string(placemark, segment.points)
    ET.indent(kml)
    return ET.tostring(kml, encoding="utf-8", xml_declaration=True)


def write_kmz(path: Path, kml: bytes) -> None:
    """A KMZ at `path`: the KML document deflated as `doc.kml`, alone in the archive."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("doc.kml", kml)


def read_kmz(path: Path) -> bytes:
    """The main KML document of the KMZ archive at `path`, at most MAX_KMZ_KML_BYTES."""
    try:
        with zipfile.ZipFile(path) as archive:
            member = _main_kml(archive)
            if member.flag_bits & 0x1:
                raise InvalidInputError(
                    "This KMZ file is password-protected; save it again without a password."
                )
            if member.file_size > MAX_KMZ_KML_BYTES:
                raise _kmz_too_large()
            with archive.open(member) as stream:
                data = stream.read(MAX_KMZ_KML_BYTES + 1)  # bounded, whatever the header says
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError):
        raise InvalidInputError(
            "This KMZ file is damaged (it is not a readable ZIP archive)."
        ) from None
    except NotImplementedError:
        raise InvalidInputError(
            "This KMZ file is compressed with a method that is not supported; "
            "save it again with ordinary ZIP compression."
        ) from None
    if len(data) > MAX_KMZ_KML_BYTES:
        raise _kmz_too_large()
    return data


def _main_kml(archive: zipfile.ZipFile) -> zipfile.ZipInfo:
    """`doc.kml`, else the first .kml at the root of the archive, else the first anywhere."""
    documents = [
        member
        for member in archive.infolist()
        if not member.is_dir() and member.filename.lower().endswith(".kml")
    ]
    if not documents:
        raise InvalidInputError("This KMZ file holds no KML document (no .kml file inside).")
    at_root = [m for m in documents if "/" not in m.filename.replace("\\", "/").lstrip("/")]
    named_doc = [m for m in at_root if m.filename.lstrip("/\\").lower() == "doc.kml"]
    return (named_doc or at_root or documents)[0]


def _kmz_too_large() -> LimitExceededError:
    limit = MAX_KMZ_KML_BYTES // (1024 * 1024)
    return LimitExceededError(
        f"The KML inside this KMZ file unpacks to over {limit} MB (a possible zip bomb)."
    )


def load_kml_as_gpx(source: Path | bytes) -> gpxpy.gpx.GPX:
    """The tracks and points of a KML document (its path, or its bytes) as a GPX document."""
    import gpxpy.gpx

    root, _ = parse_safe_xml(source, "KML")
    if _local(root.tag) != "kml":
        raise InvalidInputError("This file is XML but not KML (its root element is not <kml>).")
    gpx = gpxpy.gpx.GPX()
    document_name = next((e.text for e in root.iter() if _local(e.tag) == "name"), None)
    gpx.name = (document_name or "").strip() or None
    total = 0
    for placemark in (e for e in root.iter() if _local(e.tag) == "Placemark"):
        name = _child_text(placemark, "name")
        description = _child_text(placemark, "description")
        for element in placemark.iter():
            tag = _local(element.tag)
            if tag == "Point":
                for lon, lat, ele in _parse_coordinates(_child_text(element, "coordinates")):
                    gpx.waypoints.append(gpxpy.gpx.GPXWaypoint(lat, lon, elevation=ele, name=name))
                    total += 1
            elif tag in ("LineString", "Track"):
                points = _line_points(element) if tag == "LineString" else _track_points(element)
                if points:
                    track = gpxpy.gpx.GPXTrack(name=name, description=description)
                    track.segments.append(gpxpy.gpx.GPXTrackSegment(points))
                    gpx.tracks.append(track)
                    total += len(points)
            if total > MAX_POINTS:
                raise LimitExceededError(f"This KML file has over {MAX_POINTS} points.")
    if not gpx.tracks and not gpx.waypoints:
        raise InvalidInputError("This KML file holds no points, lines or tracks.")
    return gpx


def _line_points(element: ET.Element) -> list[gpxpy.gpx.GPXTrackPoint]:
    import gpxpy.gpx

    return [
        gpxpy.gpx.GPXTrackPoint(lat, lon, elevation=ele)
        for lon, lat, ele in _parse_coordinates(_child_text(element, "coordinates"))
    ]


def _track_points(element: ET.Element) -> list[gpxpy.gpx.GPXTrackPoint]:
    import gpxpy.gpx

    whens = [c.text or "" for c in element if _local(c.tag) == "when"]
    coords = [c.text or "" for c in element if _local(c.tag) == "coord"]
    if whens and len(whens) != len(coords):
        raise InvalidInputError("A gx:Track in this KML has different numbers of times and points.")
    points = []
    for index, coord in enumerate(coords):
        values = _numbers(coord.split(), "gx:coord")
        time = _parse_time(whens[index]) if whens else None
        ele = values[2] if len(values) > 2 else None
        points.append(gpxpy.gpx.GPXTrackPoint(values[1], values[0], elevation=ele, time=time))
    return points


def _parse_coordinates(text: str | None) -> list[tuple[float, float, float | None]]:
    """KML "lon,lat[,alt] lon,lat[,alt] ..." tuples."""
    result = []
    for chunk in (text or "").split():
        values = _numbers(chunk.split(","), "coordinates")
        result.append((values[0], values[1], values[2] if len(values) > 2 else None))
    return result


def _numbers(parts: list[str], where: str) -> list[float]:
    try:
        values = [float(v) for v in parts if v]
    except ValueError:
        raise InvalidInputError(f"This KML has a non-numeric value in {where}.") from None
    if len(values) < 2 or not (-180 <= values[0] <= 180 and -90 <= values[1] <= 90):
        raise InvalidInputError(f"This KML has an invalid longitude/latitude in {where}.")
    return values


def _parse_time(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise InvalidInputError(f'This KML has a time that is not ISO 8601: "{text}".') from None


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _child_text(element: ET.Element, name: str) -> str | None:
    child = next((c for c in element if _local(c.tag) == name), None)
    return child.text.strip() if child is not None and child.text else None


def _sub(parent: ET.Element, tag: str, text: str | None = None) -> ET.Element:
    element = ET.SubElement(parent, f"{{{KML_NS}}}{tag}")
    if text is not None:
        element.text = text
    return element


def _placemark(document: ET.Element, name: str, description: str | None) -> ET.Element:
    placemark = _sub(document, "Placemark")
    _sub(placemark, "name", name)
    if description:
        _sub(placemark, "description", description)
    return placemark


def _line_string(placemark: ET.Element, points: Sequence[AnyPoint]) -> None:
    line = _sub(placemark, "LineString")
    _sub(line, "tessellate", "1")
    _sub(line, "coordinates", " ".join(_coordinate(p) for p in points))


def _coordinate(point: AnyPoint, sep: str = ",") -> str:
    values = [f"{point.longitude:.7f}", f"{point.latitude:.7f}"]
    if point.elevation is not None:
        values.append(f"{point.elevation:.1f}")
    return sep.join(values)
