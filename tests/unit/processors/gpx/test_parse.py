from __future__ import annotations

from pathlib import Path

import pytest

from processors.errors import InvalidInputError
from processors.gpx._parse import load_gpx
from tests.unit.processors.gpx.conftest import meridian_gpx

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE gpx [
  <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
  <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
  <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
  <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
]>
<gpx version="1.1" xmlns="http://www.topografix.com/GPX/1/1"><metadata><name>&d;</name>
</metadata></gpx>"""

EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE gpx [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<gpx version="1.1"><metadata><name>&secret;</name></metadata></gpx>"""


def test_reads_a_synthetic_track(tmp_path: Path) -> None:
    gpx = load_gpx(meridian_gpx(tmp_path / "t.gpx", points=11))
    assert gpx.get_track_points_no() == 11
    assert gpx.tracks[0].name == "Meridian walk"


@pytest.mark.parametrize("document", [BILLION_LAUGHS, EXTERNAL_ENTITY])
def test_entity_tricks_are_refused_readably(tmp_path: Path, document: str) -> None:
    path = tmp_path / "bomb.gpx"
    path.write_text(document, encoding="utf-8")
    with pytest.raises(InvalidInputError, match="refused for safety"):
        load_gpx(path)


def test_malformed_xml_names_the_position(tmp_path: Path) -> None:
    path = tmp_path / "broken.gpx"
    path.write_text('<gpx version="1.1"><trk><trkseg></trk></gpx>', encoding="utf-8")
    with pytest.raises(InvalidInputError, match="not well-formed XML \\(line 1"):
        load_gpx(path)


def test_other_xml_is_not_gpx(tmp_path: Path) -> None:
    path = tmp_path / "svg.gpx"
    path.write_text("<svg></svg>", encoding="utf-8")
    with pytest.raises(InvalidInputError, match="not GPX"):
        load_gpx(path)


def test_invalid_coordinates_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "bad.gpx"
    path.write_text(
        '<gpx version="1.1"><trk><trkseg><trkpt lat="north" lon="0"/></trkseg></trk></gpx>',
        encoding="utf-8",
    )
    with pytest.raises(InvalidInputError):
        load_gpx(path)


@pytest.mark.parametrize("encoding", ["utf-16", "iso-8859-1"])
def test_declared_encodings_are_honoured(tmp_path: Path, encoding: str) -> None:
    document = (
        f'<?xml version="1.0" encoding="{encoding}"?>'
        '<gpx version="1.1" xmlns="http://www.topografix.com/GPX/1/1">'
        '<trk><name>Café route</name><trkseg><trkpt lat="1" lon="2"/></trkseg></trk></gpx>'
    )
    path = tmp_path / "enc.gpx"
    path.write_bytes(document.encode(encoding))
    assert load_gpx(path).tracks[0].name == "Café route"
