"""gpx-kml-converter: GPX to KML or KMZ, or KML/KMZ to GPX, the direction given by the input."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Literal

from pydantic import Field

from processors.base import MB, Category, ProgressCallback, Tool, ToolParams
from processors.formats import SNIFF_BYTES, kind
from processors.gpx._kml import gpx_to_kml, load_kml_as_gpx, read_kmz, write_kmz
from processors.gpx._parse import load_gpx
from processors.labels import enum_labels
from processors.registry import register


class KmlConverterParams(ToolParams):
    kml_format: Literal["kml", "kmz"] = Field(
        "kml",
        title="KML output",
        json_schema_extra=enum_labels({"kml": "KML", "kmz": "KMZ (zipped KML)"}),
        description=(
            "For GPX input: KMZ zips the KML (smaller; Google Earth opens both). "
            "KML and KMZ input always becomes GPX."
        ),
    )


@register
class GpxKmlConverter(Tool[KmlConverterParams]):
    name = "gpx-kml-converter"
    display_name = "GPX ⇄ KML / KMZ"
    description = "Convert a GPX track to KML or KMZ (Google Earth), or a KML or KMZ file to GPX."
    category = Category.GPX
    icon = "globe-americas"
    input_kinds = (kind("gpx"), kind("kml"), kind("kmz"))
    output_kinds = (kind("kml"), kind("kmz"), kind("gpx"))
    max_file_size = 20 * MB
    timeout_seconds = 120
    Params = KmlConverterParams

    def run(
        self,
        inputs: Sequence[Path],
        output_dir: Path,
        params: KmlConverterParams,
        progress: ProgressCallback,
    ) -> Path:
        source = inputs[0]
        stem = source.stem or "track"
        with source.open("rb") as handle:
            head = handle.read(SNIFF_BYTES)
        progress(0, "Reading")
        is_kmz = kind("zip").matches(head)  # any ZIP: its .kml need not be the first entry
        if is_kmz or kind("kml").matches(head):
            gpx = load_kml_as_gpx(read_kmz(source) if is_kmz else source)
            progress(60, "Writing GPX")
            output = output_dir / f"{stem}.gpx"
            output.write_text(gpx.to_xml(), encoding="utf-8")
        else:
            gpx = load_gpx(source)
            progress(60, f"Writing {params.kml_format.upper()}")
            output = output_dir / f"{stem}.{params.kml_format}"
            if params.kml_format == "kmz":
                write_kmz(output, gpx_to_kml(gpx, name=stem))
            else:
                output.write_bytes(gpx_to_kml(gpx, name=stem))
        progress(100, "Done")
        return output
