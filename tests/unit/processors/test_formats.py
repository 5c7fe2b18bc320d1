"""File kinds are recognised by their first bytes, never by their names alone."""

from __future__ import annotations

import io
import zipfile

import pytest
from PIL import Image

from processors.formats import kind, sniff_kinds


def _image_head(fmt: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, fmt)
    return buffer.getvalue()[:8192]


@pytest.mark.parametrize(
    ("fmt", "name"), [("JPEG", "jpeg"), ("PNG", "png"), ("WEBP", "webp"), ("GIF", "gif")]
)
def test_images_are_recognised_by_magic_bytes(fmt: str, name: str) -> None:
    assert kind(name).matches(_image_head(fmt))
    assert not kind("pdf").matches(_image_head(fmt))


def test_an_empty_head_matches_no_kind_and_does_not_raise() -> None:
    assert sniff_kinds(b"") == []
    assert not kind("jpeg").matches(b"")


def test_gpx_is_told_apart_from_other_xml() -> None:
    gpx = b'<?xml version="1.0"?>\n<!-- exported -->\n<gpx version="1.1" creator="t"></gpx>'
    kml = b'<?xml version="1.0"?><kml xmlns="http://www.opengis.net/kml/2.2"></kml>'
    assert kind("gpx").matches(gpx) and not kind("gpx").matches(kml)
    assert kind("kml").matches(kml)


def test_text_kinds_refuse_binary_content() -> None:
    assert kind("csv").matches(b"a,b\n1,2\n")
    assert not kind("csv").matches(b"a,b\x00\n")
    assert kind("json").matches(b'{"rows": [1, 2]}')
    assert not kind("json").matches(b'{"rows": [1, 2')  # whole file given: must parse


def _zip_head(*names: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in names:
            archive.writestr(name, "<x/>")
    return buffer.getvalue()[:8192]


def test_kmz_is_a_zip_whose_first_entry_is_kml() -> None:
    for head in (_zip_head("doc.kml", "files/a.png"), _zip_head("tracks/Ridge.KML")):
        assert kind("kmz").matches(head)
        assert [k.name for k in sniff_kinds(head)][:2] == ["kmz", "zip"]


@pytest.mark.parametrize(
    "names",
    [
        ("[Content_Types].xml", "word/document.xml"),
        ("[Content_Types].xml", "xl/workbook.xml"),
        ("readme.txt", "doc.kml"),  # the KML is not the first entry
        ("doc.kml.txt",),
        ("files/",),
    ],
)
def test_other_zips_are_not_kmz(names: tuple[str, ...]) -> None:
    head = _zip_head(*names)
    assert kind("zip").matches(head)
    assert not kind("kmz").matches(head)


def test_a_cut_local_header_is_not_kmz() -> None:
    head = _zip_head("doc.kml")
    assert not kind("kmz").matches(head[:33])  # the name runs past the bytes given
    assert not kind("kmz").matches(b"PK\x03\x04")
    assert not kind("kmz").matches(b'<?xml version="1.0"?><kml></kml>')
