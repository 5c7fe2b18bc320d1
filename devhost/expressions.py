"""Binding expressions in input/output binding values: `{name}`, `{a.b}`, `{rand-guid}`, ...

As in the host: names are looked up case-insensitively in the trigger's binding data (route
and query values for HTTP, `queueTrigger` and the message's JSON properties for queues, the
path's names and `blobTrigger` for blobs); `{rand-guid}` / `{sys.randguid}` give a new GUID,
`{DateTime}` the UTC time as 2018-02-16T17-59-55Z, `{sys.utcnow}` as ISO 8601,
`{sys.methodname}` the function's name. A name without a value fails the invocation.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

__all__ = ["BindingExpressionError", "expand", "json_properties"]

_TOKEN = re.compile(r"\{([^{}]+)\}")


class BindingExpressionError(ValueError):
    """A `{name}` in a binding has no value in the trigger's binding data."""


def json_properties(body: bytes | str | None) -> dict[str, Any]:
    """Top-level properties of a JSON object body ({} for anything else)."""
    if not body:
        return {}
    try:
        value = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return {}
    return value if isinstance(value, dict) else {}


def _lookup(data: Mapping[str, Any], path: str) -> Any:
    node: Any = data
    for part in path.split("."):
        if not isinstance(node, Mapping):
            raise KeyError(path)
        key = next((k for k in node if str(k).lower() == part.lower()), None)
        if key is None:
            raise KeyError(path)
        node = node[key]
    return node


def _builtin(token: str, function: str) -> str | None:
    name = token.lower()
    now = datetime.now(UTC)
    if name in ("rand-guid", "sys.randguid"):
        return str(uuid.uuid4())
    if name == "datetime":
        return now.strftime("%Y-%m-%dT%H-%M-%SZ")
    if name == "sys.utcnow":
        return now.isoformat().replace("+00:00", "Z")
    if name == "sys.methodname":
        return function
    return None


def expand(template: str, data: Mapping[str, Any], *, function: str = "") -> str:
    """`template` with every {expression} replaced."""

    def replace(match: re.Match[str]) -> str:
        token = match.group(1).strip()
        builtin = _builtin(token, function)
        if builtin is not None:
            return builtin
        try:
            value = _lookup(data, token)
        except KeyError:
            raise BindingExpressionError(
                f"no value for binding expression '{{{token}}}' in '{template}'"
            ) from None
        return value if isinstance(value, str) else json.dumps(value)

    return _TOKEN.sub(replace, template)
