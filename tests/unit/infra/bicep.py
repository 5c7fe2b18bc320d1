"""A small reader of the Bicep declarations the infra tests check (no Bicep compiler here).

It understands what infra/ uses: `param`, `var` (arrays of strings, objects), `resource`
(plain, `existing`, nested, `[for x in xs: {...}]` loops, `if (...)` conditions), `module`
with its `params`, and `output`. Bodies are found by balancing brackets outside strings
and comments, so formatting changes do not break it; unknown syntax yields nothing rather
than a wrong answer, and the tests then fail on what is missing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

__all__ = ["BicepFile", "Module", "Resource", "expand", "strip_comments"]

_OPEN = {"{": "}", "[": "]", "(": ")"}


def strip_comments(text: str) -> str:
    """The text with // and /* */ comments blanked; strings (which may hold //) kept."""
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "'":
            j = i + 1
            while j < n and text[j] != "'":
                j += 2 if text[j] == "\\" else 1
            out.append(text[i : j + 1])
            i = j + 1
        elif text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            i = n if j < 0 else j + 2
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def _balanced(text: str, start: int) -> str:
    """The bracketed block opening at `start` (inclusive), skipping brackets in strings."""
    stack: list[str] = []
    i = start
    while i < len(text):
        ch = text[i]
        if ch == "'":
            j = i + 1
            while j < len(text) and text[j] != "'":
                j += 2 if text[j] == "\\" else 1
            i = j + 1
            continue
        if ch in _OPEN:
            stack.append(_OPEN[ch])
        elif stack and ch == stack[-1]:
            stack.pop()
            if not stack:
                return text[start : i + 1]
        i += 1
    raise ValueError(f"unbalanced block at offset {start}")


def _top_level_keys(block: str) -> dict[str, str]:
    """`key: value` pairs directly inside an object literal `{...}` (values as raw text)."""
    inner = block.strip()[1:-1]
    pairs: dict[str, str] = {}
    i, depth = 0, 0
    key_re = re.compile(r"\s*('(?:[^'\\]|\\.)*'|[A-Za-z_][\w]*)\s*:\s*")
    while i < len(inner):
        if depth == 0:
            match = key_re.match(inner, i)
            if match and (i == 0 or inner[i - 1] in "\n,{ \t"):
                key = match.group(1).strip("'")
                j = match.end()
                if j < len(inner) and inner[j] in _OPEN:
                    value = _balanced(inner, j)
                    pairs[key] = value
                    i = j + len(value)
                else:
                    end = inner.find("\n", j)
                    end = len(inner) if end < 0 else end
                    pairs[key] = inner[j:end].strip().rstrip(",")
                    i = end
                continue
        ch = inner[i]
        if ch == "'":
            j = i + 1
            while j < len(inner) and inner[j] != "'":
                j += 2 if inner[j] == "\\" else 1
            i = j + 1
            continue
        if ch in _OPEN:
            depth += 1
        elif ch in "}])":
            depth -= 1
        i += 1
    return pairs


def expand(template: str, variable: str, values: list[str]) -> list[str]:
    """A Bicep string template over a loop variable: '${c}-jobs' -> ['a-jobs', ...]."""
    text = template.strip().strip("'")
    out = []
    for value in values:
        item = text.replace(f"${{toUpper({variable})}}", value.upper())
        out.append(item.replace(f"${{{variable}}}", value))
    return out


@dataclass(frozen=True)
class Resource:
    symbol: str
    type: str
    existing: bool
    loop: tuple[str, str] | None  # (variable, source) for `[for variable in source: ...]`
    body: str

    @property
    def properties(self) -> dict[str, str]:
        return _top_level_keys(self.body)

    @property
    def name(self) -> str:
        return self.properties.get("name", "")


@dataclass(frozen=True)
class Module:
    symbol: str
    path: str
    params: dict[str, str]


_RESOURCE = re.compile(r"\bresource\s+(\w+)\s+'([^'@]+)(?:@[^']*)?'\s+(existing\s+)?=\s*")
_MODULE = re.compile(r"\bmodule\s+(\w+)\s+'([^']+)'\s*=\s*")
_LOOP = re.compile(r"\[\s*for\s+(\w+)\s+in\s+(\w+)\s*:\s*(?:if\s*\(.*?\)\s*)?")
_CONDITION = re.compile(r"if\s*\(")


class BicepFile:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.text = strip_comments(path.read_text(encoding="utf-8"))

    def params(self) -> dict[str, str | None]:
        """Parameter name -> default value text (None when the caller must pass it)."""
        out: dict[str, str | None] = {}
        for match in re.finditer(r"^\s*param\s+(\w+)\s+\w+(?:\s*=\s*(.+))?$", self.text, re.M):
            default = match.group(2)
            out[match.group(1)] = default.strip() if default is not None else None
        return out

    def outputs(self) -> dict[str, str]:
        pattern = r"^\s*output\s+(\w+)\s+\w+\s*=\s*(.+)$"
        return {m.group(1): m.group(2).strip() for m in re.finditer(pattern, self.text, re.M)}

    def var_block(self, name: str) -> str:
        match = re.search(rf"^\s*var\s+{name}\s*=\s*", self.text, re.M)
        if match is None:
            raise KeyError(f"{self.path.name}: no var {name}")
        return _balanced(self.text, match.end())

    def var_strings(self, name: str) -> list[str]:
        """A `var name = ['a', 'b']` array of string literals."""
        return re.findall(r"'([^']*)'", self.var_block(name))

    def var_object(self, name: str) -> dict[str, str]:
        return _top_level_keys(self.var_block(name))

    def var_items(self, name: str) -> list[str]:
        """The items of a `var name = [...]` array as raw text: 'a', roles.x, ..."""
        inner = self.var_block(name).strip()[1:-1]
        return [item.strip() for item in re.split(r"[\n,]", inner) if item.strip()]

    def resources(self) -> list[Resource]:
        found = []
        for match in _RESOURCE.finditer(self.text):
            i = match.end()
            loop = None
            loop_match = _LOOP.match(self.text, i)
            if loop_match:
                loop = (loop_match.group(1), loop_match.group(2))
                i = loop_match.end()
            elif cond := _CONDITION.match(self.text, i):
                i += len(_balanced(self.text, cond.end() - 1)) + len(cond.group(0)) - 1
                i = self.text.index("{", i)
            body = _balanced(self.text, self.text.index("{", i))
            found.append(Resource(match.group(1), match.group(2), bool(match.group(3)), loop, body))
        return found

    def resources_of(self, type_suffix: str) -> list[Resource]:
        return [r for r in self.resources() if r.type.endswith(type_suffix) and not r.existing]

    def modules(self) -> list[Module]:
        out = []
        for match in _MODULE.finditer(self.text):
            body = _balanced(self.text, self.text.index("{", match.end()))
            params_block = _top_level_keys(body).get("params", "{}")
            out.append(Module(match.group(1), match.group(2), _top_level_keys(params_block)))
        return out
