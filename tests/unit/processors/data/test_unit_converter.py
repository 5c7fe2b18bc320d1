from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from processors.errors import InvalidInputError
from processors.registry import get_tool


def convert(tmp_path: Path, **params: Any) -> dict[str, Any]:
    tool = get_tool("unit-converter")
    assert tool is not None
    calls: list[float] = []
    output = tool.run([], tmp_path, tool.parse_params(params), lambda p, s: calls.append(p))
    assert output.suffix == ".json" and calls[-1] == 100
    return json.loads(output.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    ("quantity", "value", "source", "target", "expected"),
    [
        ("temperature", 100, "C", "F", 212),
        ("temperature", -40, "F", "C", -40),
        ("temperature", 0, "C", "K", 273.15),
        ("temperature", 491.67, "R", "F", 32),
        ("length", 12, "in", "ft", 1),
        ("length", 1, "mi", "km", 1.609344),
        ("length", 1, "nmi", "m", 1852),
        ("mass", 1, "lb", "g", 453.59237),
        ("mass", 14, "lb", "st", 1),
        ("volume", 1, "gal", "l", 3.785411784),
        ("volume", 2, "cup", "pt", 1),
        ("speed", 36, "km/h", "m/s", 10),
        ("speed", 1, "kn", "km/h", 1.852),
        ("area", 1, "ha", "m2", 10_000),
        ("area", 640, "acre", "mi2", 1),
        ("data_size", 1, "GiB", "MiB", 1024),
        ("data_size", 1, "MB", "bit", 8_000_000),
    ],
)
def test_exact_conversions(
    tmp_path: Path, quantity: str, value: float, source: str, target: str, expected: float
) -> None:
    report = convert(tmp_path, quantity=quantity, value=value, fromUnit=source, toUnit=target)
    assert report["result"] == expected
    assert report["all"][target] == expected
    assert report["all"][source] == value


def test_report_has_a_readable_line(tmp_path: Path) -> None:
    report = convert(tmp_path, quantity="temperature", value=100, fromUnit="C", toUnit="F")
    assert report["text"] == "100 °C = 212 °F"
    assert (report["fromUnit"], report["toUnit"], report["quantity"]) == ("C", "F", "temperature")


def test_units_are_matched_loosely(tmp_path: Path) -> None:
    report = convert(tmp_path, quantity="temperature", value=0, fromUnit="°c", toUnit="k")
    assert (report["fromUnit"], report["result"]) == ("C", 273.15)
    assert (
        convert(tmp_path, quantity="volume", value=1, fromUnit="m³", toUnit="L")["result"] == 1000
    )


def test_a_unit_of_another_quantity_is_refused() -> None:
    tool = get_tool("unit-converter")
    assert tool is not None
    with pytest.raises(InvalidInputError, match='"kg" is not a unit of length: use one of nm, um'):
        tool.parse_params({"quantity": "length", "fromUnit": "kg", "toUnit": "m"})


def test_below_absolute_zero_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError, match="absolute zero"):
        convert(tmp_path, quantity="temperature", value=-300, fromUnit="C", toUnit="F")


def test_it_takes_no_files_and_answers_inline() -> None:
    tool = get_tool("unit-converter")
    assert tool is not None
    assert (tool.min_files, tool.max_files, tool.sync, tool.takes_files) == (0, 0, True, False)
    schema = tool.describe()["parameters"]
    assert set(schema["properties"]) == {"quantity", "value", "fromUnit", "toUnit"}
    assert "data_size" in schema["properties"]["quantity"]["enum"]


def test_its_output_is_json() -> None:
    tool = get_tool("unit-converter")
    assert tool is not None
    assert [k.name for k in tool.output_kinds] == ["json"]
