"""Text for a person in a terminal: tables, sizes, times, a tool's parameters, a job's status.

`--json` bypasses all of this; machines read the API's own JSON.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

__all__ = [
    "Rows",
    "describe_tool",
    "duration_text",
    "format_size",
    "number_text",
    "size_change",
    "status_text",
    "table",
    "time_text",
]

Rows = list[tuple[str, Any]]


def table(rows: Iterable[tuple[str, Any]]) -> str:
    """Two aligned columns; rows whose value is None or empty are left out."""
    kept = [(label, str(value)) for label, value in rows if value not in (None, "", [])]
    width = max((len(label) for label, _ in kept), default=0)
    return "\n".join(f"{label:<{width}}  {value}" for label, value in kept)


def format_size(size: float | None) -> str | None:
    if size is None:
        return None
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return None  # unreachable


def size_change(status: Mapping[str, Any]) -> str:
    """ "340.0 KB, 84 % smaller than the input" (or larger, or just the size)."""
    size = format_size(status.get("outputSize")) or "?"
    before = status.get("inputSize")
    after = status.get("outputSize")
    if not before or after is None:
        return size
    change = (after - before) / before * 100
    if round(change) == 0:
        return f"{size}, about the size of the input"
    word = "smaller" if change < 0 else "larger"
    return f"{size}, {abs(change):.0f} % {word} than the input"


def time_text(iso: str | None) -> str | None:
    """2025-11-25T10:00:00+00:00 as 2025-11-25 10:00:00 UTC."""
    if not iso:
        return None
    try:
        moment = datetime.fromisoformat(iso)
    except ValueError:
        return iso
    zone = " UTC" if moment.utcoffset() == timedelta(0) else moment.strftime(" %z")
    return moment.strftime("%Y-%m-%d %H:%M:%S") + (zone if moment.tzinfo else "")


def duration_text(seconds: float | None) -> str | None:
    if seconds is None:
        return None
    minutes, secs = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return f"{hours} h {minutes:02d} min"
    return f"{minutes} min {secs:02d} s" if minutes else f"{secs} s"


def number_text(value: Any, unit: str, digits: int = 1) -> str | None:
    return None if value is None else f"{value:,.{digits}f} {unit}"


# -- a tool and its parameters ----------------------------------------------------------------


def _kind(prop: Mapping[str, Any]) -> tuple[Mapping[str, Any], bool]:
    """The property's own schema and whether it may be left empty (`anyOf: [X, null]`)."""
    options = prop.get("anyOf")
    if not options:
        return prop, False
    real = [o for o in options if o.get("type") != "null"]
    return {**prop, **(real[0] if real else {})}, len(real) < len(options)


def _type_text(schema: Mapping[str, Any]) -> str:
    kind = schema.get("type")
    text = {
        "integer": "whole number",
        "number": "number",
        "boolean": "true or false",
        "string": "text",
    }.get(str(kind), str(kind or "value"))
    low = schema.get("minimum", schema.get("exclusiveMinimum"))
    high = schema.get("maximum", schema.get("exclusiveMaximum"))
    if low is not None and high is not None:
        text += f", {_plain(low)} to {_plain(high)}"
    elif low is not None:
        text += f", at least {_plain(low)}"
    elif high is not None:
        text += f", at most {_plain(high)}"
    if schema.get("maxLength"):
        text += f", up to {schema['maxLength']} characters"
    return text


def _plain(number: float) -> str:
    """1e15 as 1,000,000,000,000,000 and 0.5 as 0.5: no exponents for people."""
    return f"{int(number):,}" if float(number).is_integer() else f"{number:g}"


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return '""' if value == "" else str(value)


def _parameter(key: str, prop: Mapping[str, Any], required: bool) -> list[str]:
    schema, optional = _kind(prop)
    labels: Mapping[str, str] = prop.get("x-enumLabels", {})
    lines = [f"  {key}  {prop.get('title', key)}"]
    if prop.get("description"):
        indent = " " * 6
        lines.extend(textwrap.wrap(prop["description"], 88, initial_indent=indent,
                                   subsequent_indent=indent))  # fmt: skip
    facts = [_type_text(schema) if "enum" not in schema else "one of these"]
    if required:
        facts.append("required")
    elif optional and prop.get("default") is None:
        facts.append("optional")
    elif "default" in prop:
        facts.append(f"default: {_shown(prop['default'])}")
    lines.append("      " + "; ".join(facts))
    if "enum" in schema:
        width = max(len(str(v)) for v in schema["enum"])
        for value in schema["enum"]:
            lines.append(f"        {value!s:<{width}}  {labels.get(str(value), '')}".rstrip())
    rule = prop.get("x-optionsBy")
    if rule:
        lines.append(f"      values depend on {rule['field']}:")
        for choice, values in rule["options"].items():
            lines.append(f"        {choice}: {', '.join(values)}")
    return lines


def describe_tool(entry: Mapping[str, Any]) -> str:
    """`magictoolbox tools NAME`: what the tool takes and every parameter it understands."""
    inputs = ", ".join(k["name"] for k in entry.get("inputTypes", [])) or "no file"
    outputs = ", ".join(k["name"] for k in entry.get("outputTypes", []))
    files = entry.get("minFiles", 1), entry.get("maxFiles", 1)
    if files[1] == 0:
        takes = "no file: parameters only"
    else:
        count = str(files[0]) if files[0] == files[1] else f"{files[0]} to {files[1]}"
        takes = f"{inputs}; {count} file{'' if count == '1' else 's'}"
    header = table(
        [
            ("Tool", f"{entry['name']} ({entry['displayName']}, {entry['category']})"),
            ("What it does", entry.get("description")),
            ("Takes", takes),
            ("Size limit", format_size(entry.get("maxFileSize")) if files[1] else None),
            ("Gives", outputs),
        ]
    )
    schema = entry.get("parameters") or {}
    properties: Mapping[str, Any] = schema.get("properties", {})
    required = set(schema.get("required", ()))
    if not properties:
        return header + "\n\nNo parameters."
    lines = [header, "", "Parameters (--param NAME=VALUE):"]
    for key, prop in properties.items():
        lines.extend(_parameter(key, prop, key in required))
    return "\n".join(lines)


# -- a job ------------------------------------------------------------------------------------


def status_text(status: Mapping[str, Any]) -> str:
    progress = status.get("progress")
    step = status.get("currentStep")
    shown_progress = None
    if status.get("status") in ("queued", "processing") and progress is not None:
        shown_progress = f"{progress:.0f} %" + (f" ({step})" if step else "")
    output = status.get("outputFilename")
    if output and status.get("outputSize") is not None:
        output += f" ({size_change(status)})"
    source = status.get("inputFilename")
    if source and status.get("inputSize") is not None:
        source += f" ({format_size(status['inputSize'])})"
    seconds = status.get("processingTime")
    return table(
        [
            ("Execution", status.get("executionId")),
            ("Tool", status.get("toolName")),
            ("Status", status.get("status")),
            ("Progress", shown_progress),
            ("Input", source),
            ("Output", output),
            ("Processing time", f"{seconds:.1f} s" if seconds is not None else None),
            ("Created", time_text(status.get("createdAt"))),
            ("Expires", time_text(status.get("expiresAt"))),
            ("Error", status.get("error")),
        ]
    )
