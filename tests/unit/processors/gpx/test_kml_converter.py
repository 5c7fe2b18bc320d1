"""gpx-kml-converter: both directions, KML and KMZ round trips, hostile KML and KMZ refused."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import gpxpy
import pytest

from processors.errors import InvalidInputError, LimitExceededError
from processors.formats import SNIFF_BYTES, kind
from processors.gpx import _kml
from processors.registry import get_tool
from tests.unit.processors.gpx.conftest import (
    METRES_PER_MILLIDEGREE,
    RunTool,
    meridian_gpx,
)


def test_kml_round_trip_keeps_points_times_and_names(tmp_path: Path, run_tool: RunTool) -> None:
    track = meridian_gpx(tmp_path / "walk.gpx", points=21)
    kml, _ = run_tool("gpx-kml-converter", [track])
    assert kml.suffix == ".kml"
    assert "<gx:Track>" in kml.read_text(encoding="utf-8")
    back, _ = run_tool("gpx-kml-converter", [kml])
    assert back.suffix == ".gpx"
    gpx = gpxpy.parse(back.read_text(encoding="utf-8"))
    points = gpx.tracks[0].segments[0].points
    assert gpx.tracks[0].name == "Meridian walk"
    assert len(points) == 21
    assert (points[-1].latitude, points[-1].longitude) == (pytest.approx(45.02), 0.0)
    assert points[3].elevation == pytest.approx(103.0)
    assert points[-1].time == datetime(2025, 6, 1, 8, 3, 20, tzinfo=UTC)
    assert [w.name for w in gpx.waypoints] == ["Start"]


def test_kml_line_string_becomes_a_track(tmp_path: Path, run_tool: RunTool) -> None:
    kml = tmp_path / "line.kml"
    kml.write_text(
        '<?xml version="1.0"?><kml xmlns="http://www.opengis.net/kml/2.2"><Document>'
        "<Placemark><name>Line</name><LineString><coordinates>"
        "0,45,10 0,45.001,11 0,45.002,12</coordinates></LineString></Placemark>"
        "</Document></kml>"
    )
    output, _ = run_tool("gpx-kml-converter", [kml])
    gpx = gpxpy.parse(output.read_text(encoding="utf-8"))
    assert gpx.length_2d() == pytest.approx(2 * METRES_PER_MILLIDEGREE, rel=0.005)


def test_kml_with_entities_is_refused(tmp_path: Path, run_tool: RunTool) -> None:
    kml = tmp_path / "evil.kml"
    kml.write_text(
        '<?xml version="1.0"?><!DOCTYPE kml [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        '<kml xmlns="http://www.opengis.net/kml/2.2"><Document><name>&x;</name></Document></kml>'
    )
    with pytest.raises(InvalidInputError, match="refused for safety"):
        run_tool("gpx-kml-converter", [kml])


def _track_kml(name: str = "Hand made") -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?><kml xmlns="http://www.opengis.net/kml/2.2">'
        f"<Document><name>{name}</name><Placemark><name>Ridge</name><LineString><coordinates>"
        "6.1,45.1,1000 6.1,45.101,1010 6.1,45.102,1020</coordinates></LineString></Placemark>"
        "</Document></kml>"
    )


def _kmz(path: Path, members: dict[str, bytes | str]) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def _accepted_upload(filename: str, path: Path) -> bool:
    """Whether the pipeline's upload check (extension and first bytes) lets the file in."""
    tool = get_tool("gpx-kml-converter")
    assert tool is not None
    return tool.match_input(filename, path.read_bytes()[:SNIFF_BYTES]) is not None


def test_kmz_round_trip_keeps_points_times_and_names(tmp_path: Path, run_tool: RunTool) -> None:
    track = meridian_gpx(tmp_path / "walk.gpx", points=21)
    kmz, calls = run_tool("gpx-kml-converter", [track], kmlFormat="kmz")
    assert kmz.name == "walk.kmz"
    assert _accepted_upload("walk.kmz", kmz)
    assert (60, "Writing KMZ") in calls
    with zipfile.ZipFile(kmz) as archive:
        assert [(m.filename, m.compress_type) for m in archive.infolist()] == [
            ("doc.kml", zipfile.ZIP_DEFLATED)
        ]
        assert b"<gx:Track>" in archive.read("doc.kml")
    back, _ = run_tool("gpx-kml-converter", [kmz], kmlFormat="kmz")  # ignored for KMZ input
    assert back.name == "walk.gpx"
    gpx = gpxpy.parse(back.read_text(encoding="utf-8"))
    points = gpx.tracks[0].segments[0].points
    assert gpx.tracks[0].name == "Meridian walk"
    assert len(points) == 21
    assert (points[-1].latitude, points[-1].longitude) == (pytest.approx(45.02), 0.0)
    assert points[3].elevation == pytest.approx(103.0)
    assert points[-1].time == datetime(2025, 6, 1, 8, 3, 20, tzinfo=UTC)
    assert [w.name for w in gpx.waypoints] == ["Start"]


def test_kml_stays_the_default_output(tmp_path: Path, run_tool: RunTool) -> None:
    output, _ = run_tool("gpx-kml-converter", [meridian_gpx(tmp_path / "t.gpx", points=3)])
    assert output.name == "t.kml"
    assert kind("kml").matches(output.read_bytes())


def test_hand_made_kmz_with_an_image_is_read(tmp_path: Path, run_tool: RunTool) -> None:
    kmz = _kmz(
        tmp_path / "ridge.kmz",
        {"doc.kml": _track_kml(), "files/photo.png": b"\x89PNG\r\n\x1a\n" + bytes(64)},
    )
    assert _accepted_upload("ridge.kmz", kmz)
    output, _ = run_tool("gpx-kml-converter", [kmz])
    gpx = gpxpy.parse(output.read_text(encoding="utf-8"))
    assert gpx.name == "Hand made"
    assert gpx.tracks[0].name == "Ridge"
    assert [p.elevation for p in gpx.tracks[0].segments[0].points] == [1000, 1010, 1020]


@pytest.mark.parametrize(
    "names",
    [("overlay.kml", "doc.kml"), ("files/overlay.kml", "main.kml")],
    ids=["doc.kml first", "root before sub-folder"],
)
def test_the_main_kml_is_chosen(tmp_path: Path, run_tool: RunTool, names: tuple[str, str]) -> None:
    other, main = names
    kmz = _kmz(tmp_path / "two.kmz", {other: _track_kml("Other"), main: _track_kml("Main")})
    output, _ = run_tool("gpx-kml-converter", [kmz])
    assert gpxpy.parse(output.read_text(encoding="utf-8")).name == "Main"


def test_kml_in_a_sub_folder_is_found(tmp_path: Path, run_tool: RunTool) -> None:
    kmz = _kmz(
        tmp_path / "nested.kmz",
        {"tracks/ridge.kml": _track_kml(), "images/": b"", "images/icon.png": b"\x89PNG"},
    )
    assert _accepted_upload("nested.kmz", kmz)
    output, _ = run_tool("gpx-kml-converter", [kmz])
    assert gpxpy.parse(output.read_text(encoding="utf-8")).tracks[0].name == "Ridge"


def test_archive_without_kml_is_refused(tmp_path: Path, run_tool: RunTool) -> None:
    kmz = _kmz(tmp_path / "photos.kmz", {"photo.jpg": b"\xff\xd8\xff", "notes.txt": "hello"})
    with pytest.raises(InvalidInputError, match="holds no KML document"):
        run_tool("gpx-kml-converter", [kmz])


def test_zip_bomb_is_refused(
    tmp_path: Path, run_tool: RunTool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_kml, "MAX_KMZ_KML_BYTES", 64 * 1024)
    padding = "<!--" + " " * (1024 * 1024) + "-->"  # a megabyte of blanks deflates to ~1 KB
    kmz = _kmz(
        tmp_path / "bomb.kmz",
        {"doc.kml": _track_kml().replace("<Document>", padding + "<Document>")},
    )
    assert kmz.stat().st_size < 8 * 1024
    with pytest.raises(LimitExceededError, match="zip bomb"):
        run_tool("gpx-kml-converter", [kmz])


def test_zip_bomb_with_a_lying_header_is_refused(
    tmp_path: Path, run_tool: RunTool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A header that declares a small size cannot make the read go past it."""
    monkeypatch.setattr(_kml, "MAX_KMZ_KML_BYTES", 64 * 1024)
    kmz = _kmz(tmp_path / "liar.kmz", {"doc.kml": b"\0" * (1024 * 1024)})
    data = bytearray(kmz.read_bytes())
    for signature, size_at in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):  # uncompressed size
        header = data.find(signature)
        data[header + size_at : header + size_at + 4] = (1000).to_bytes(4, "little")
    kmz.write_bytes(bytes(data))
    with pytest.raises(InvalidInputError, match="damaged"):
        run_tool("gpx-kml-converter", [kmz])


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[: len(data) // 2],  # truncated download: no central directory
        lambda data: data[:40] + bytes(40) + data[80:],  # deflated bytes overwritten
    ],
    ids=["truncated", "corrupted"],
)
def test_damaged_kmz_is_refused(
    tmp_path: Path, run_tool: RunTool, damage: Callable[[bytes], bytes]
) -> None:
    kmz = _kmz(tmp_path / "damaged.kmz", {"doc.kml": _track_kml() * 20})
    kmz.write_bytes(damage(kmz.read_bytes()))
    with pytest.raises(InvalidInputError, match="damaged"):
        run_tool("gpx-kml-converter", [kmz])


def test_encrypted_kmz_is_refused(tmp_path: Path, run_tool: RunTool) -> None:
    kmz = _kmz(tmp_path / "secret.kmz", {"doc.kml": _track_kml()})
    data = bytearray(kmz.read_bytes())
    for signature, flags_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):  # general purpose bit 0
        header = data.find(signature)
        data[header + flags_at] |= 0x1
    kmz.write_bytes(bytes(data))
    with pytest.raises(InvalidInputError, match="password-protected"):
        run_tool("gpx-kml-converter", [kmz])
