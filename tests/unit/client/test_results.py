"""What the CLI prints for people (results, tools, status), from the real tools' outputs."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from PIL import Image

from client.render import describe_tool, status_text
from client.results import result_text
from processors.registry import get_tool
from tests.unit.processors.gpx.conftest import meridian_gpx
from tests.unit.processors.images.conftest import camera_exif


def run_tool(name: str, inputs: list[Path], out_dir: Path, **params: Any) -> Any:
    tool = get_tool(name)
    assert tool is not None
    out_dir.mkdir(exist_ok=True)
    output = tool.run(inputs, out_dir, tool.parse_params(params), lambda *_: None)
    return json.loads(output.read_text("utf-8"))


def test_the_unit_answer_is_one_line(tmp_path: Path) -> None:
    data = run_tool("unit-converter", [], tmp_path, value=10, fromUnit="km", toUnit="mi")
    assert result_text("unit-converter", data) == "10 km = 6.21371192237 mi"


def test_gpx_stats_read_as_a_table(tmp_path: Path) -> None:
    track = meridian_gpx(tmp_path / "walk.gpx", points=101, step_s=10, climb_m=1.0)
    text = result_text("gpx-analyzer", run_tool("gpx-analyzer", [track], tmp_path / "out"))
    assert "Meridian walk" in text
    assert "11.1" in text.split("Distance", 1)[1].split("km", 1)[0]  # 100 x 1/1000 degree
    assert "16 min 40 s" in text  # 100 steps of 10 s
    assert "100 m" in text  # elevation gain
    assert "km/h" in text and "{" not in text


def test_exif_reads_as_a_table_with_a_map_link(tmp_path: Path) -> None:
    photo = tmp_path / "photo.jpg"
    Image.new("RGB", (80, 40), (10, 20, 30)).save(photo, "JPEG", exif=camera_exif())
    text = result_text("exif-extractor", run_tool("exif-extractor", [photo], tmp_path / "out"))
    rows = {line.split("  ", 1)[0]: line.split("  ", 1)[1].strip() for line in text.splitlines()}
    assert rows["Camera"] == "Canon Canon EOS 5D"
    assert rows["Exposure"] == "1/250 s"
    assert rows["Aperture"] == "f/2.8"
    assert rows["ISO"] == "200"
    assert rows["Image"] == "JPEG 80 x 40"
    assert rows["Taken"] == "2024-05-01 10:20:30"
    assert rows["GPS"].startswith("47.6085")
    assert rows["Map"].startswith("https://www.openstreetmap.org/?mlat=47.6085")


def test_any_other_json_is_shown_as_key_values() -> None:
    text = result_text("some-new-tool", {"pages": 3, "meta": {"title": "A"}, "items": [1, 2]})
    assert text.splitlines() == ["pages       3", "meta.title  A", "items       2 item(s)"]


def test_a_tool_shows_types_defaults_ranges_labels_and_choices() -> None:
    tool = get_tool("pdf-to-images")
    assert tool is not None
    text = describe_tool(tool.describe())
    assert text.startswith("Tool          pdf-to-images (")
    assert "jpegQuality  JPEG quality" in text
    assert "whole number, 10 to 100; default: 85" in text
    assert "png   PNG" in text and "jpeg  JPEG" in text
    assert "pageRange  Page range" in text


def test_the_unit_converter_lists_units_by_quantity() -> None:
    tool = get_tool("unit-converter")
    assert tool is not None
    text = describe_tool(tool.describe())
    assert "fromUnit  From unit" in text
    assert "values depend on quantity:" in text
    assert "temperature: C, F, K, R" in text
    assert re.search(r"^ +data_size +Data size$", text, re.MULTILINE)
    assert "number, -1,000,000,000,000,000 to 1,000,000,000,000,000; default: 1" in text


def test_status_reads_as_words() -> None:
    text = status_text(
        {
            "executionId": "abc",
            "toolName": "image-compressor",
            "status": "completed",
            "inputFilename": "photo.jpg",
            "inputSize": 2_200_000,
            "outputFilename": "photo.webp",
            "outputSize": 348_160,
            "compressionRatio": 0.16,
            "processingTime": 1.234,
        }
    )
    assert "photo.jpg (2.1 MB)" in text
    assert "photo.webp (340.0 KB, 84 % smaller than the input)" in text
    assert "1.2 s" in text
