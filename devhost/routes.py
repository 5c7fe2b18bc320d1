"""The Functions (ASP.NET Core) route template syntax: parse a template, match a path.

Supported: literal segments, `{name}`, `{name?}` (optional, trailing), `{*rest}` / `{**rest}`
(catch-all), default values `{name=value}`, and constraints `{id:int}`, `{id:guid}`,
`{name:alpha}`, `{x:bool}`, `{x:long}`, `{x:double}`, `{x:minlength(2)}`, `{x:maxlength(8)}`,
`{x:length(n)}`, `{x:min(1)}`, `{x:max(9)}`, `{x:range(1,9)}`, `{x:regex(...)}`, chained.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import unquote

__all__ = ["RouteTemplate", "RouteTemplateError"]

_GUID = re.compile(r"^[0-9a-fA-F]{8}-?([0-9a-fA-F]{4}-?){3}[0-9a-fA-F]{12}$|^\{[0-9a-fA-F-]{36}\}$")
_PARAM = re.compile(r"^\{(?P<star>\*{1,2})?(?P<name>[A-Za-z_]\w*)(?P<rest>.*)\}$")


class RouteTemplateError(ValueError):
    """The template is not valid route syntax."""


def _number(kind: type) -> Callable[[str], bool]:
    def check(value: str) -> bool:
        try:
            kind(value)
        except ValueError:
            return False
        return True

    return check


def _constraint(spec: str) -> Callable[[str], bool]:
    name, _, arg = spec.partition("(")
    arg = arg[:-1] if arg.endswith(")") else arg
    simple: dict[str, Callable[[str], bool]] = {
        "int": lambda v: re.fullmatch(r"-?\d+", v) is not None,
        "long": lambda v: re.fullmatch(r"-?\d+", v) is not None,
        "double": _number(float),
        "float": _number(float),
        "decimal": _number(float),
        "bool": lambda v: v.lower() in ("true", "false"),
        "guid": lambda v: _GUID.match(v) is not None,
        "alpha": lambda v: re.fullmatch(r"[A-Za-z]+", v) is not None,
        "datetime": lambda v: re.fullmatch(r"\d{4}-\d{2}-\d{2}.*", v) is not None,
    }
    if name in simple:
        return simple[name]
    args = [a.strip() for a in arg.split(",")] if arg else []
    if name == "minlength":
        return lambda v: len(v) >= int(args[0])
    if name == "maxlength":
        return lambda v: len(v) <= int(args[0])
    if name == "length":
        shortest, longest = int(args[0]), int(args[-1])
        return lambda v: shortest <= len(v) <= longest
    if name in ("min", "max", "range"):
        low = int(args[0]) if name != "max" else None
        high = int(args[-1]) if name != "min" else None

        def in_range(v: str) -> bool:
            if re.fullmatch(r"-?\d+", v) is None:
                return False
            return (low is None or int(v) >= low) and (high is None or int(v) <= high)

        return in_range
    if name == "regex":
        pattern = re.compile(arg.replace("{{", "{").replace("}}", "}"))  # ASP.NET escaping
        return lambda v: pattern.search(v) is not None
    raise RouteTemplateError(f"unknown route constraint {name!r}")


def _split_constraints(rest: str) -> list[str]:
    """':int:min(1)' → ['int', 'min(1)'], keeping ':' inside parentheses (regexes)."""
    parts, depth, current = [], 0, ""
    for char in rest[1:] if rest.startswith(":") else rest:
        if char == ":" and depth == 0:
            parts.append(current)
            current = ""
            continue
        depth += char == "("
        depth -= char == ")"
        current += char
    parts.append(current)
    return [p for p in parts if p]


@dataclass
class _Segment:
    literal: str | None = None
    name: str = ""
    optional: bool = False
    catch_all: bool = False
    default: str | None = None
    checks: list[Callable[[str], bool]] = field(default_factory=list)


@dataclass
class RouteTemplate:
    """One parsed template; `match(path)` gives the route params or None."""

    template: str
    segments: list[_Segment]

    @classmethod
    def parse(cls, template: str) -> RouteTemplate:
        segments: list[_Segment] = []
        parts = [p for p in template.strip("/").split("/")] if template.strip("/") else []
        for index, part in enumerate(parts):
            match = _PARAM.match(part)
            if match is None:
                if "{" in part or "}" in part:
                    raise RouteTemplateError(f"unsupported segment {part!r} in {template!r}")
                segments.append(_Segment(literal=part))
                continue
            rest = match["rest"]
            default = None
            if "=" in rest and not rest.startswith(":regex"):
                rest, default = rest.split("=", 1)
            optional = rest.endswith("?")
            rest = rest.removesuffix("?")
            segment = _Segment(
                name=match["name"],
                optional=optional or default is not None,
                catch_all=bool(match["star"]),
                default=default,
                checks=[_constraint(c) for c in _split_constraints(rest)],
            )
            if segment.catch_all and index != len(parts) - 1:
                raise RouteTemplateError(f"a catch-all must be last in {template!r}")
            segments.append(segment)
        return cls(template, segments)

    def match(self, path: str) -> dict[str, str] | None:
        parts = path.strip("/").split("/") if path.strip("/") else []
        params: dict[str, str] = {}
        for index, segment in enumerate(self.segments):
            if segment.catch_all:  # always optional in ASP.NET routing
                value = unquote("/".join(parts[index:]))
                if not value:
                    if segment.default is not None:
                        params[segment.name] = segment.default
                    return params
                if not all(check(value) for check in segment.checks):
                    return None
                params[segment.name] = value
                return params
            if index >= len(parts):
                if segment.literal is None and segment.optional:
                    if segment.default is not None:
                        params[segment.name] = segment.default
                    continue
                return None
            value = unquote(parts[index])
            if segment.literal is not None:
                if value.lower() != segment.literal.lower():
                    return None
                continue
            if not value or not all(check(value) for check in segment.checks):
                return None
            params[segment.name] = value
        if len(parts) > len(self.segments):
            return None
        return params

    @property
    def specificity(self) -> tuple[int, int]:
        """Literal-heavy, longer templates win when several match (as ASP.NET orders them)."""
        literals = sum(s.literal is not None for s in self.segments)
        return (literals, -sum(s.catch_all for s in self.segments))
