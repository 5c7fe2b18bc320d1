"""Reading GPX and KML safely: defusedxml vets the document before anything parses it.

defusedxml refuses DTDs (and with them entity expansion bombs and external entities)
before gpxpy sees a byte; gpxpy then parses text known to be plain XML. Every failure
becomes an InvalidInputError a person can read.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING
from xml.etree.ElementTree import Element

from processors.errors import InvalidInputError, LimitExceededError

if TYPE_CHECKING:
    import gpxpy.gpx

__all__ = ["MAX_POINTS", "count_points", "load_gpx", "parse_safe_xml"]

_ENCODING = re.compile(rb"^(?:\xef\xbb\xbf)?\s*<\?xml[^>]*encoding=[\"']([A-Za-z0-9._-]+)[\"']")

MAX_XML_DEPTH = 256
"""libxml2's default nesting limit (gpxpy parses with lxml); GPX needs about 6 levels."""
MAX_POINTS = 500_000
"""Track, route and waypoints together; a day of 1 Hz recording is 86 400."""


def parse_safe_xml(source: Path | bytes, what: str) -> tuple[Element, str]:
    """The root element and the text of an XML document, vetted by defusedxml.

    `source` is the file's path, or the document itself (a KML read out of a KMZ archive).
    """
    import defusedxml
    import defusedxml.ElementTree as SafeET

    data = source if isinstance(source, bytes) else source.read_bytes()
    try:
        root = SafeET.fromstring(data, forbid_dtd=True)
    except (defusedxml.DTDForbidden, defusedxml.EntitiesForbidden):
        raise InvalidInputError(
            f"This {what} file declares a DTD or entities, which are refused for safety."
        ) from None
    except defusedxml.ExternalReferenceForbidden:
        raise InvalidInputError(
            f"This {what} file refers to external resources, which are refused for safety."
        ) from None
    except SafeET.ParseError as exc:
        line, column = getattr(exc, "position", (0, 0))
        raise InvalidInputError(
            f"This {what} file is not well-formed XML (line {line}, column {column})."
        ) from None
    return root, _decode(data)


def load_gpx(path: Path) -> gpxpy.gpx.GPX:
    """The GPX document at `path`: vetted, parsed, and within MAX_POINTS."""
    import gpxpy
    import gpxpy.gpx

    root, text = parse_safe_xml(path, "GPX")
    if root.tag.rsplit("}", 1)[-1] != "gpx":
        raise InvalidInputError("This file is XML but not GPX (its root element is not <gpx>).")
    if sum(1 for _ in root.iter()) > 8 * MAX_POINTS:  # cheap bound before building objects
        raise LimitExceededError(f"This GPX file has too many elements (over {MAX_POINTS} points).")
    try:
        gpx = gpxpy.parse(_without_declaration(text))
    except gpxpy.gpx.GPXException as exc:
        raise InvalidInputError(_gpx_failure(exc)) from None
    except ValueError:
        raise InvalidInputError("This GPX file holds values that are not valid.") from None
    points = count_points(gpx)
    if points > MAX_POINTS:
        raise LimitExceededError(f"This GPX file has {points} points; the limit is {MAX_POINTS}.")
    return gpx


def _gpx_failure(exc: Exception) -> str:
    """gpxpy's error in words: libxml2's resource limits name an option only a programmer
    can set ("use XML_PARSE_HUGE"); say what in the file is over the limit instead."""
    text = str(getattr(exc, "original_exception", None) or exc)
    if "depth" in text.lower():
        return (
            f"This GPX file nests elements more than {MAX_XML_DEPTH} levels deep, "
            "which is refused for safety."
        )
    if "text node" in text.lower() or "huge" in text.lower():
        return "This GPX file holds a text over 10 MB long, which is refused for safety."
    if "XML_PARSE_HUGE" in text:
        return "This GPX file is over a safety limit of the XML reader."
    return f"This GPX file could not be read: {text.split(', line')[0]}"


def count_points(gpx: gpxpy.gpx.GPX) -> int:
    tracks = sum(len(s.points) for t in gpx.tracks for s in t.segments)
    return tracks + sum(len(r.points) for r in gpx.routes) + len(gpx.waypoints)


def _decode(data: bytes) -> str:
    """The document as text, decoded as its BOM or XML declaration says (UTF-8 otherwise)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    declared = _ENCODING.match(data)
    encoding = declared.group(1).decode("ascii") if declared else "utf-8-sig"
    try:
        return data.decode("utf-8-sig" if encoding.lower() in ("utf-8", "utf8") else encoding)
    except (LookupError, UnicodeDecodeError):
        raise InvalidInputError(
            f"This file's text is not valid {encoding}, the encoding it declares."
        ) from None


def _without_declaration(text: str) -> str:
    """gpxpy refuses a str that still carries an encoding declaration; the text is decoded."""
    stripped = text.lstrip("\ufeff \t\r\n")
    if stripped.startswith("<?xml"):
        end = stripped.find("?>")
        return stripped[end + 2 :] if end != -1 else stripped
    return stripped
