"""gpx-kml-converter: GPX to KML or KML to GPX, the direction given by the input."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from processors.base import MB, Category, ProgressCallback, Tool, ToolParams
from processors.formats import SNIFF_BYTES, kind
from processors.gpx._kml import gpx_to_kml, load_kml_as_gpx
from processors.gpx._parse import load_gpx
from processors.registry import register


@register
class GpxKmlConverter(Tool[ToolParams]):
    name = "gpx-kml-converter"
    display_name = "GPX ⇄ KML"
    description = "Convert a GPX track to KML (Google Earth), or a KML file to GPX."
    category = Category.GPX
    icon = "globe-americas"
    input_kinds = (kind("gpx"), kind("kml"))
    output_kinds = (kind("kml"), kind("gpx"))
    max_file_size = 20 * MB
    timeout_seconds = 120
    Params = ToolParams

    def run(
        self,
        inputs: Sequence[Path],
        output_dir: Path,
        params: ToolParams,
        progress: ProgressCallback,
    ) -> Path:
        source = inputs[0]
        stem = source.stem or "track"
        with source.open("rb") as handle:
            head = handle.read(SNIFF_BYTES)
        progress(0, "Reading")
        if kind("kml").matches(head):
            gpx = load_kml_as_gpx(source)
            progress(60, "Writing GPX")
            output = output_dir / f"{stem}.gpx"
            output.write_text(gpx.to_xml(), encoding="utf-8")
        else:
            gpx = load_gpx(source)
            progress(60, "Writing KML")
            output = output_dir / f"{stem}.kml"
            output.write_bytes(gpx_to_kml(gpx, name=stem))
        progress(100, "Done")
        return output
