"""The tool catalog: every Tool subclass registers itself where it is defined.

`@register` at the class definition adds one instance; a second tool with the same name
fails at import, loudly. `all_tools()` imports every module under `processors/` once, so
adding a tool is writing one module: no list elsewhere to edit.
"""

from __future__ import annotations

import importlib
import pkgutil
import threading
from typing import Any, TypeVar

from processors.base import Category, Tool

__all__ = ["all_tools", "categories", "get_tool", "register"]

_INFRASTRUCTURE = {"base", "csv_cells", "errors", "formats", "labels", "registry"}
_tools: dict[str, Tool[Any]] = {}
_discovered = False
_lock = threading.Lock()

T = TypeVar("T", bound=type[Tool[Any]])


def register(tool_class: T) -> T:
    """Class decorator: add one instance of `tool_class` to the catalog."""
    name = tool_class.name
    existing = _tools.get(name)
    if existing is not None and type(existing).__qualname__ != tool_class.__qualname__:
        raise RuntimeError(
            f"cannot register tool {name!r} twice: {type(existing).__module__} and "
            f"{tool_class.__module__} both claim it"
        )
    _tools[name] = tool_class()
    return tool_class


def _discover() -> None:
    global _discovered
    with _lock:
        if _discovered:
            return
        import processors

        for module in pkgutil.walk_packages(processors.__path__, prefix="processors."):
            if module.name.rsplit(".", 1)[-1] not in _INFRASTRUCTURE:
                importlib.import_module(module.name)
        _discovered = True


def all_tools() -> list[Tool[Any]]:
    """Every registered tool, ordered by category then name."""
    _discover()
    return sorted(_tools.values(), key=lambda tool: (tool.category, tool.name))


def get_tool(name: str) -> Tool[Any] | None:
    """The tool called `name`, or None when there is none."""
    _discover()
    return _tools.get(name)


def categories() -> list[Category]:
    """The categories that have at least one tool: each has its containers and queues."""
    return sorted({tool.category for tool in all_tools()})
