"""Every tool's parameters read as words: titles, enum labels, options, error messages."""

from __future__ import annotations

import re
from typing import Any, Literal

import pytest
from pydantic import Field

from processors.base import ToolParams
from processors.errors import InvalidInputError
from processors.labels import enum_labels, enum_values, words
from processors.registry import all_tools, get_tool

CATALOG = {tool.name: tool.describe()["parameters"] for tool in all_tools()}


def properties() -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (name, key, prop)
        for name, schema in CATALOG.items()
        for key, prop in schema.get("properties", {}).items()
    ]


@pytest.mark.parametrize(("tool", "key", "prop"), properties())
def test_every_field_has_a_sentence_case_title(tool: str, key: str, prop: dict[str, Any]) -> None:
    title = prop.get("title", "")
    assert title, f"{tool}.{key} has no title"
    assert title[0].isupper() and "_" not in title, f"{tool}.{key}: {title!r}"
    # pydantic's own default glues camelCase words together ("Minconfidence").
    assert title != key[0].upper() + key[1:].lower() or key.islower(), f"{tool}.{key}: {title!r}"
    assert prop.get("description"), f"{tool}.{key} has no description"


@pytest.mark.parametrize(("tool", "key", "prop"), properties())
def test_every_enum_value_has_a_label(tool: str, key: str, prop: dict[str, Any]) -> None:
    values = enum_values(prop)
    if values is None:
        return
    labels = prop.get("x-enumLabels")
    assert labels, f"{tool}.{key} is an enum without x-enumLabels"
    assert set(labels) == {str(v) for v in values}, f"{tool}.{key}: labels for other values"
    assert all(label and "_" not in label for label in labels.values()), labels


@pytest.mark.parametrize(("tool", "key", "prop"), properties())
def test_options_by_names_a_field_and_its_values(tool: str, key: str, prop: dict[str, Any]) -> None:
    rule = prop.get("x-optionsBy")
    if rule is None:
        return
    other = CATALOG[tool]["properties"][rule["field"]]
    assert set(rule["options"]) == set(enum_values(other) or ()), f"{tool}.{key}"
    labels = prop.get("x-enumLabels", {})
    for options in rule["options"].values():
        assert options and all(option in labels for option in options), f"{tool}.{key}"


def test_the_unit_converter_offers_its_own_units_by_quantity() -> None:
    from processors.data.unit_converter import QUANTITIES, UNIT_NAMES, units_of

    schema = CATALOG["unit-converter"]["properties"]
    for key in ("fromUnit", "toUnit"):
        rule = schema[key]["x-optionsBy"]
        assert rule["field"] == "quantity"
        assert rule["options"] == {q: list(units_of(q)) for q in QUANTITIES}
    every_unit = {u for q in QUANTITIES for u in units_of(q)}
    assert set(UNIT_NAMES) == every_unit
    assert schema["fromUnit"]["title"] == "From unit"
    assert schema["toUnit"]["x-enumLabels"]["km"] == "Kilometres (km)"
    assert schema["toUnit"]["x-enumLabels"]["C"] == "Degrees Celsius (°C)"
    assert schema["quantity"]["x-enumLabels"]["data_size"] == "Data size"


def test_named_examples_read_as_words() -> None:
    assert CATALOG["pdf-to-images"]["properties"]["jpegQuality"]["title"] == "JPEG quality"
    assert CATALOG["pdf-to-text"]["properties"]["pageRange"]["title"] == "Page range"
    assert CATALOG["gpx-merger"]["properties"]["includeWaypoints"]["title"] == "Include waypoints"
    angle = CATALOG["video-rotation"]["properties"]["angle"]["x-enumLabels"]
    assert angle["90"] == "90° clockwise"


class _NewToolParams(ToolParams):
    min_confidence: float = Field(0.5, description="A field without a title.")
    output_format: Literal["jpeg", "every_n_pages"] = Field("jpeg", description="An enum.")
    mode: Literal["a", "b"] | None = Field(
        None, description="Labelled in part.", json_schema_extra=enum_labels({"a": "First"})
    )


def test_a_new_tool_gets_titles_and_labels_by_default() -> None:
    schema = _NewToolParams.model_json_schema(by_alias=True)["properties"]
    assert schema["minConfidence"]["title"] == "Min confidence"
    assert schema["outputFormat"]["x-enumLabels"] == {
        "jpeg": "JPEG",
        "every_n_pages": "Every n pages",
    }
    assert schema["mode"]["x-enumLabels"] == {"a": "First", "b": "B"}


@pytest.mark.parametrize(
    ("name", "expected"),
    [("min_confidence", "Min confidence"), ("jpegQuality", "JPEG quality"), ("dpi", "DPI")],
)
def test_words(name: str, expected: str) -> None:
    assert words(name) == expected


# -- parameter errors -------------------------------------------------------------------------

PYTHON_REPR = re.compile(r"'[^']*'|\(\s*'|Value error|Input should|\[\s*'|type=")


@pytest.mark.parametrize(
    ("tool", "raw", "expected"),
    [
        ("pdf-to-images", {"jpegQuality": 5}, "JPEG quality must be at least 10 (got 5)."),
        ("ocr", {"dpi": 1000}, "Resolution (DPI) must be at most 400 (got 1000)."),
        ("ocr", {"page": "x"}, 'Page (PDF) must be a whole number (got "x").'),
        (
            "image-format-converter",
            {"outputFormat": "tga"},
            'Output format must be jpeg, png, webp or gif (got "tga").',
        ),
        ("pdf-merge", {"bookmarks": "maybe"}, 'Add bookmarks must be true or false (got "maybe")'),
        (
            "image-compressor",
            {"colour": 1},
            '"colour" is not a parameter of this tool (it takes: outputFormat, quality,',
        ),
        (
            "unit-converter",
            {"fromUnit": "kg"},
            '"kg" is not a unit of length: use one of nm, um, mm, cm, m, km',
        ),
        ("image-resizer", {}, "Invalid parameters: Give a width, a height or both."),
        (
            "pdf-to-text",
            {"pageRange": "abc"},
            'Page range is not in the expected form (got "abc"): Pages to extract, e.g. 1-3',
        ),
        ("spreadsheet-report", {"sheetName": ""}, "Sheet name must not be empty."),
    ],
)
def test_parameter_errors_read_as_plain_words(
    tool: str, raw: dict[str, Any], expected: str
) -> None:
    found = get_tool(tool)
    assert found is not None
    with pytest.raises(InvalidInputError) as caught:
        found.parse_params(raw)
    message = str(caught.value)
    assert message.startswith("Invalid parameters: ")
    assert expected in message
    assert not PYTHON_REPR.search(message), message


def test_every_problem_is_listed() -> None:
    tool = get_tool("ocr")
    assert tool is not None
    with pytest.raises(InvalidInputError) as caught:
        tool.parse_params({"output": "pdf", "minConfidence": 2, "upsideDown": "x"})
    message = str(caught.value)
    assert message.count(";") == 2 and message.endswith(").")
    assert "Minimum confidence (minConfidence) must be at most 1 (got 2)" in message
    assert not PYTHON_REPR.search(message), message
