"""The GPX tools as the pipeline sees them: the input check and sync flags."""

from __future__ import annotations

from pathlib import Path

import pytest

from processors.formats import SNIFF_BYTES
from processors.registry import get_tool
from tests.unit.processors.gpx.conftest import meridian_gpx

KML_HEAD = b'<?xml version="1.0"?><kml xmlns="http://www.opengis.net/kml/2.2"><Document>'


@pytest.mark.parametrize(
    "name", ["gpx-analyzer", "gpx-kml-converter", "gpx-merger", "gpx-speed-modifier",
             "gpx-to-geojson"],
)  # fmt: skip
def test_gpx_accepted_other_xml_refused(name: str, tmp_path: Path) -> None:
    tool = get_tool(name)
    assert tool is not None
    head = meridian_gpx(tmp_path / "t.gpx", points=2).read_bytes()[:SNIFF_BYTES]
    assert tool.match_input("t.gpx", head) is not None
    assert tool.match_input("t.gpx", b"<svg></svg>") is None


def test_only_the_converter_takes_kml() -> None:
    converter, analyzer = get_tool("gpx-kml-converter"), get_tool("gpx-analyzer")
    assert converter is not None and analyzer is not None
    assert converter.match_input("a.kml", KML_HEAD) is not None
    assert analyzer.match_input("a.kml", KML_HEAD) is None


def test_analyzer_is_sync() -> None:
    tool = get_tool("gpx-analyzer")
    assert tool is not None and tool.sync
