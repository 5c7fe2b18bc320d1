"""Reading EXIF into plain JSON values: camera, exposure, dates, GPS in decimal degrees."""

from __future__ import annotations

from typing import Any

from PIL import ExifTags, Image

__all__ = ["ORIENTATIONS", "describe_exif", "gps_decimal", "plain"]

ORIENTATIONS = {
    1: "Normal",
    2: "Mirrored horizontally",
    3: "Rotated 180°",
    4: "Mirrored vertically",
    5: "Mirrored horizontally, rotated 270° clockwise",
    6: "Rotated 90° clockwise",
    7: "Mirrored horizontally, rotated 90° clockwise",
    8: "Rotated 270° clockwise",
}

_T = ExifTags.Base
_G = ExifTags.GPS


def plain(value: Any) -> Any:
    """An EXIF value as JSON: rationals to floats, bytes to text (or dropped when binary)."""
    if isinstance(value, bytes):
        text = value.rstrip(b"\x00").decode("utf-8", "replace")
        return text if text.isprintable() and len(text) <= 256 else None
    if isinstance(value, tuple | list):
        return [plain(item) for item in value]
    if isinstance(value, str):
        return value.rstrip("\x00").strip()
    if isinstance(value, int | bool):
        return value
    try:
        number = float(value)
    except (TypeError, ValueError, ZeroDivisionError):
        return str(value)
    return round(number, 6) if number == number else None  # NaN from 0/0 rationals


def gps_decimal(dms: Any, ref: Any) -> float | None:
    """(degrees, minutes, seconds) and N/S/E/W to signed decimal degrees."""
    try:
        degrees, minutes, seconds = (float(part) for part in dms)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    value = degrees + minutes / 60 + seconds / 3600
    if str(plain(ref) or "").upper() in ("S", "W"):
        value = -value
    return round(value, 7)


def _exposure_text(seconds: float | None) -> str | None:
    if not seconds:
        return None
    if seconds >= 1:
        return f"{seconds:g} s"
    return f"1/{round(1 / seconds)} s" if seconds > 0 else None


def describe_exif(exif: Image.Exif) -> dict[str, Any]:
    """The sections a person looks for, plus every readable tag under `tags`."""
    details = exif.get_ifd(ExifTags.IFD.Exif)
    gps_ifd = exif.get_ifd(ExifTags.IFD.GPSInfo)
    merged = {**dict(exif), **details}

    def get(tag: int) -> Any:
        return plain(merged[tag]) if tag in merged else None

    exposure = get(_T.ExposureTime)
    orientation = get(_T.Orientation)
    gps: dict[str, Any] | None = None
    if _G.GPSLatitude in gps_ifd and _G.GPSLongitude in gps_ifd:
        latitude = gps_decimal(gps_ifd[_G.GPSLatitude], gps_ifd.get(_G.GPSLatitudeRef))
        longitude = gps_decimal(gps_ifd[_G.GPSLongitude], gps_ifd.get(_G.GPSLongitudeRef))
        altitude = plain(gps_ifd.get(_G.GPSAltitude))
        if isinstance(altitude, float) and gps_ifd.get(_G.GPSAltitudeRef) in (1, b"\x01"):
            altitude = -altitude
        gps = {"latitude": latitude, "longitude": longitude, "altitude": altitude}
    tags: dict[str, Any] = {}
    for tag, value in merged.items():
        name = ExifTags.TAGS.get(tag)
        if name and tag not in (ExifTags.IFD.Exif, ExifTags.IFD.GPSInfo, _T.MakerNote):
            converted = plain(value)
            if converted is not None:
                tags[name] = converted
    return {
        "camera": {
            "make": get(_T.Make),
            "model": get(_T.Model),
            "lensMake": get(_T.LensMake),
            "lensModel": get(_T.LensModel),
            "software": get(_T.Software),
        },
        "exposure": {
            "exposureTime": _exposure_text(exposure),
            "exposureTimeSeconds": exposure,
            "fNumber": get(_T.FNumber),
            "iso": get(_T.ISOSpeedRatings),
            "focalLength": get(_T.FocalLength),
            "focalLength35mm": get(_T.FocalLengthIn35mmFilm),
            "flash": get(_T.Flash),
        },
        "dates": {
            "taken": get(_T.DateTimeOriginal),
            "digitized": get(_T.DateTimeDigitized),
            "modified": get(_T.DateTime),
        },
        "gps": gps,
        "orientation": (
            {"value": orientation, "description": ORIENTATIONS.get(orientation, "Unknown")}
            if orientation
            else None
        ),
        "tags": tags,
    }
