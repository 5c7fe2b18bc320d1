"""Words for people in the tools' parameter schemas and parameter errors.

The site's forms, the CLI's help and the API all read these JSON Schema keys:

- `title` on every property, in sentence case ("Page range", "JPEG quality"); a field without
  an explicit `title=` gets one made from its name (`min_confidence` -> "Min confidence");
- `x-enumLabels` on every property with an enum: `{"<value as text>": "<label>"}`; values a
  tool does not label get their value in words (`every_n_pages` -> "Every n pages");
- `x-optionsBy` where the allowed values depend on another field:
  `{"field": "<other field's key>", "options": {"<other field's value>": [value, ...]}}`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel

__all__ = [
    "describe_errors",
    "enum_labels",
    "field_title",
    "label_schema",
    "options_by",
    "words",
]

# Words that read better in capitals (or with a capital inside) than in lower case.
_SPELLING = {
    word.lower(): word
    for word in (
        *("AAC", "AVIF", "CRF", "CSV", "DPI", "EXIF", "FPS", "GIF", "GPS", "GPX", "ID", "ISO"),
        *("JPEG", "JSON", "KB", "KMZ", "KML", "MB", "MP3", "MP4", "OCR", "PDF", "PNG", "URL"),
        *("WAV", "XLSX", "A4", "GeoJSON", "WebP"),
    )
}
_WORD = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+")


def words(name: str) -> str:
    """`min_confidence`, `minConfidence` or `data_size` as words in sentence case."""
    parts = [_SPELLING.get(w.lower(), w.lower()) for w in _WORD.findall(str(name))]
    if not parts:
        return str(name)
    text = " ".join(parts)
    return text[0].upper() + text[1:]


def field_title(name: str, _info: object) -> str:
    """pydantic's `field_title_generator`: a field with no `title=` is titled by its name."""
    return words(name)


def enum_labels(labels: Mapping[Any, str]) -> dict[str, Any]:
    """`json_schema_extra` for an enum field: `Field(..., json_schema_extra=enum_labels({...}))`."""
    return {"x-enumLabels": {str(value): label for value, label in labels.items()}}


def options_by(field: str, options: Mapping[str, list[str]]) -> dict[str, Any]:
    """`json_schema_extra` for a field whose choices depend on `field`'s value."""
    return {"x-optionsBy": {"field": field, "options": {k: list(v) for k, v in options.items()}}}


def enum_values(prop: Mapping[str, Any]) -> list[Any] | None:
    """The enum of a property, also when it is optional (`anyOf: [{enum}, {type: null}]`)."""
    if "enum" in prop:
        return list(prop["enum"])
    if "const" in prop:
        return [prop["const"]]
    for option in prop.get("anyOf", ()):
        found = enum_values(option)
        if found is not None:
            return found
    return None


def label_schema(schema: dict[str, Any], _model: object = None) -> None:
    """pydantic's `json_schema_extra`: label every enum value no tool has labelled."""
    for prop in schema.get("properties", {}).values():
        values = enum_values(prop)
        if values is None:
            continue
        labels = prop.setdefault("x-enumLabels", {})
        for value in values:
            labels.setdefault(str(value), words(str(value)))


# -- parameter errors in plain words ------------------------------------------------------------


def _or(values: list[Any]) -> str:
    shown = [str(v) for v in values]
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " or " + shown[-1]


def _got(value: Any) -> str:
    """The offending input as JSON would show it (no Python reprs)."""
    if isinstance(value, str):
        return f'"{value[:40]}"'
    if value is None or isinstance(value, bool):
        return {None: "null", True: "true", False: "false"}[value]
    if isinstance(value, int | float):
        return f"{value:g}" if isinstance(value, float) else str(value)
    return "an object" if isinstance(value, dict) else "a list" if isinstance(value, list) else "?"


def _problem(error: Mapping[str, Any], prop: Mapping[str, Any]) -> str:
    kind = error["type"]
    ctx = error.get("ctx") or {}
    got = _got(error.get("input"))
    if kind == "missing":
        return "is required"
    if kind in ("literal_error", "enum"):
        return f"must be {_or(enum_values(prop) or [])} (got {got})"
    limits = {
        "greater_than_equal": ("at least", "ge"),
        "greater_than": ("more than", "gt"),
        "less_than_equal": ("at most", "le"),
        "less_than": ("less than", "lt"),
    }
    if kind in limits:
        phrase, key = limits[kind]
        return f"must be {phrase} {_got(ctx.get(key))} (got {got})"
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return f"must be a whole number (got {got})"
    if kind in ("float_parsing", "float_type", "finite_number"):
        return f"must be a number (got {got})"
    if kind in ("bool_parsing", "bool_type"):
        return f"must be true or false (got {got})"
    if kind == "string_type":
        return f"must be text (got {got})"
    if kind == "string_too_long":
        return f"must be at most {ctx.get('max_length')} characters long"
    if kind == "string_too_short":
        return (
            "must not be empty"
            if ctx.get("min_length") == 1
            else (f"must be at least {ctx.get('min_length')} characters long")
        )
    if kind == "string_pattern_mismatch":
        hint = prop.get("description")
        return f"is not in the expected form (got {got})" + (f": {hint}" if hint else "")
    if kind in ("value_error", "assertion_error") and "error" in ctx:
        return str(ctx["error"])
    return str(error.get("msg", "is not valid")).lower()


def describe_errors(errors: list[Any], model: type[BaseModel]) -> str:
    """pydantic's validation errors for a tool's parameters as sentences a person can act on."""
    properties: Mapping[str, Any] = model.model_json_schema(by_alias=True).get("properties", {})
    aliases = {name: field.alias or name for name, field in model.model_fields.items()}
    sentences = []
    for error in errors:
        key = str(error["loc"][0]) if error.get("loc") else ""
        key = aliases.get(key, key)
        if error["type"] == "extra_forbidden":
            known = ", ".join(properties) or "none"
            sentences.append(f'"{key}" is not a parameter of this tool (it takes: {known})')
            continue
        prop = properties.get(key, {})
        problem = _problem(error, prop)
        if not key:  # a rule about several fields together
            sentences.append(problem[:1].upper() + problem[1:])
            continue
        title = prop.get("title") or words(key)
        # The key too when the title does not say it: API and CLI users type keys.
        name = title if words(key).lower() in title.lower() else f"{title} ({key})"
        sentences.append(f"{name} {problem}")
    return "; ".join(s.rstrip(".") for s in sentences) + "."
