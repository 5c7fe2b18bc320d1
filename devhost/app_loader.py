"""Import DIR/function_app.py as the Python worker does and index its functions once.

Indexing is strict where Azure is: `%Setting%` references that do not resolve and
`connection` names that name no setting stop the host at start with the setting's name.
Functions with bindings devhost does not emulate are kept, marked disabled with the reason.
"""

from __future__ import annotations

import importlib
import inspect
import logging
import os
import re
import sys
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import azure.functions as func

from devhost.connections import ConnectionSettingError, resolve_connection

__all__ = ["AppIndexError", "FunctionSpec", "load_functions", "loaded_app", "resolve_settings"]

logger = logging.getLogger(__name__)
_loaded: list[Any] = []

TRIGGERS = {"httpTrigger", "queueTrigger", "blobTrigger", "timerTrigger"}
BINDINGS = {"http", "queue", "blob", "table"}
STORAGE_BINDINGS = {"queueTrigger", "blobTrigger", "queue", "blob", "table"}
_SETTING = re.compile(r"%([^%\s]+)%")
# Keys that are names, not values: never resolved.
_LITERAL_KEYS = {"name", "type", "direction"}


class AppIndexError(RuntimeError):
    """function_app.py cannot be hosted as written; the message says why."""


@dataclass
class FunctionSpec:
    """One indexed function: its trigger binding, other bindings, and the Python callable."""

    name: str
    trigger_type: str
    trigger: dict[str, Any]
    bindings: list[dict[str, Any]]
    callable: Callable[..., Any]
    output_bindings: list[dict[str, Any]] = field(default_factory=list)
    input_bindings: list[dict[str, Any]] = field(default_factory=list)
    http_output: str | None = None  # the http output binding's name ("$return" or an Out arg)
    disabled: str | None = None  # why devhost does not run it
    http_type: str | None = None  # "asgi"/"wsgi" for AsgiFunctionApp/WsgiFunctionApp
    app_dir: Path | None = None

    @property
    def summary(self) -> str:
        t = self.trigger
        if self.disabled:
            return f"DISABLED: {self.disabled}"
        if self.trigger_type == "httpTrigger":
            methods = ",".join(str(m) for m in t.get("methods") or []) or "ANY"
            return f"[{methods}] {t.get('route') or self.name}"
        if self.trigger_type == "queueTrigger":
            return f"queue {t['queueName']}"
        if self.trigger_type == "blobTrigger":
            source = t.get("source") or "LogsAndContainerScan"
            return f"blob {t['path']} ({source}, polled)"
        if self.trigger_type == "timerTrigger":
            startup = ", run on startup" if t.get("runOnStartup") else ""
            return f"timer {t['schedule']}{startup}"
        return self.trigger_type

    def annotation(self, parameter: str) -> Any:
        """The parameter's type annotation (evaluated), or None."""
        try:
            return typing.get_type_hints(self.callable).get(parameter)
        except Exception:
            param = _parameters(self.callable).get(parameter)
            if param is None or param.annotation is inspect.Parameter.empty:
                return None
            return param.annotation

    def accepts(self, parameter: str) -> bool:
        return parameter in _parameters(self.callable)


def _parameters(function: Callable[..., Any]) -> Mapping[str, inspect.Parameter]:
    try:
        return inspect.signature(function).parameters
    except (TypeError, ValueError):
        return {}


def _plain(value: Any) -> Any:
    """Enum members of the decorators library → their str values."""
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if type(value).__name__ == "DataType":  # an int enum; function.json spells it "binary"
        return str(value.name).lower()
    return getattr(value, "value", value)


def find_app(module: Any) -> Any:
    """The one FunctionApp / AsgiFunctionApp / WsgiFunctionApp (any FunctionRegister)."""
    register = func.FunctionRegister if hasattr(func, "FunctionRegister") else func.FunctionApp
    apps = [v for v in vars(module).values() if isinstance(v, register)]
    if len(apps) != 1:
        raise AppIndexError(
            f"function_app.py must define exactly one FunctionApp (or AsgiFunctionApp/"
            f"WsgiFunctionApp), found {len(apps)}"
        )
    return apps[0]


def resolve_settings(
    function: str, bindings: list[dict[str, Any]], environ: Mapping[str, str]
) -> None:
    """Replace %Setting% in binding values in place, as the host's name resolver does."""
    for binding in bindings:
        for key, value in binding.items():
            if key in _LITERAL_KEYS or not isinstance(value, str) or "%" not in value:
                continue

            def lookup(
                match: re.Match[str], key: str = key, binding: dict[str, Any] = binding
            ) -> str:
                setting = match.group(1)
                resolved = environ.get(setting)
                if resolved is None:
                    raise AppIndexError(
                        f"function '{function}', binding '{binding.get('name')}' "
                        f"({binding.get('type')}): {key} '{match.group(0)}' names app setting "
                        f"'{setting}', which is not set"
                    )
                return resolved

            binding[key] = _SETTING.sub(lookup, value)


def _unsupported(bindings: list[dict[str, Any]]) -> str | None:
    for binding in bindings:
        kind = str(binding["type"])
        if kind.endswith("Trigger") and kind not in TRIGGERS:
            return f"trigger type {kind} is not emulated by devhost"
        if not kind.endswith("Trigger") and kind not in BINDINGS:
            return f"binding type {kind} ('{binding.get('name')}') is not emulated by devhost"
    return None


def _unbound(function: Callable[..., Any], bindings: list[dict[str, Any]]) -> str | None:
    """The worker's load check: parameters and bindings must match one to one."""
    params = set(_parameters(function)) - {"context"}
    bound = {str(b["name"]) for b in bindings if b["name"] != "$return"}
    if params - bound:
        return f"parameters declared in Python but not bound: {sorted(params - bound)}"
    if bound - params:
        return f"bindings with no Python parameter: {sorted(bound - params)}"
    return None


def _hints(function: Callable[..., Any]) -> dict[str, Any]:
    try:
        return typing.get_type_hints(function)
    except Exception:
        return {}


def _fits(binding: dict[str, Any], pytype: Any, *, out: bool) -> bool:
    """The library converter's own check, as the worker applies it at load."""
    from azure.functions.meta import get_binding_registry

    from devhost.inputs import sdk_kind

    if not isinstance(pytype, type) or pytype in (str, bytes) or sdk_kind(pytype):
        return True  # generics, the worker's "generic" str/bytes, SDK types
    converter = get_binding_registry().get(str(binding["type"]))
    if converter is None:
        return True
    if out:
        return bool(converter.check_output_type_annotation(pytype))
    return bool(converter.check_input_type_annotation(pytype))


def _mistyped(function: Callable[..., Any], bindings: list[dict[str, Any]]) -> str | None:
    """The worker's load-time annotation checks (direction, converter types, return)."""
    hints = _hints(function)
    for binding in bindings:
        name = str(binding["name"])
        annotation = hints.get("return" if name == "$return" else name)
        if annotation is None and name != "$return":
            continue
        if name == "$return":
            if "return" in hints and not _fits(binding, hints["return"], out=True):
                kind = getattr(hints["return"], "__name__", hints["return"])
                return f'return annotation "{kind}" does not match binding type "{binding["type"]}"'
            continue
        is_out = getattr(typing.get_origin(annotation), "__name__", "") == "Out" or (
            getattr(annotation, "__name__", "") == "Out"
        )
        if is_out != (binding["direction"] == 1):
            return f"binding {name}: direction and func.Out annotation disagree"
        args = typing.get_args(annotation)
        pytype = args[0] if is_out and args else annotation
        if not _fits(binding, pytype, out=is_out):
            kind = getattr(pytype, "__name__", pytype)
            return (
                f'type of {name} binding "{binding["type"]}" does not match its annotation "{kind}"'
            )
    return None


def _check_connections(function: str, bindings: list[dict[str, Any]]) -> None:
    for binding in bindings:
        if binding["type"] in STORAGE_BINDINGS:
            try:
                resolve_connection(binding.get("connection"))
            except ConnectionSettingError as exc:
                raise AppIndexError(
                    f"function '{function}', binding '{binding['name']}': {exc}"
                ) from None


def _spec(function: Any) -> FunctionSpec:
    name = str(function.get_function_name())
    bindings = [
        {k: _plain(v) for k, v in b.get_dict_repr().items()} for b in function.get_bindings()
    ]
    trigger = next(b for b in bindings if str(b["type"]).endswith("Trigger"))
    disabled = _unsupported(bindings)
    user_function = function.get_user_function()
    unbound = _unbound(user_function, bindings) or _mistyped(user_function, bindings)
    if disabled is None and unbound is not None:
        disabled = f"Azure would not load it: {unbound}"
    if disabled is None:
        resolve_settings(name, bindings, os.environ)
        _check_connections(name, bindings)
    outputs = [b for b in bindings if b["direction"] == 1 and b["type"] != "http"]
    inputs = [b for b in bindings if b["direction"] == 0 and b is not trigger]
    http_out = next(
        (b["name"] for b in bindings if b["type"] == "http" and b["direction"] == 1), None
    )
    http_type = getattr(function, "http_type", None)
    return FunctionSpec(
        name=name,
        trigger_type=str(trigger["type"]),
        trigger=trigger,
        bindings=bindings,
        callable=function.get_user_function(),
        output_bindings=outputs,
        input_bindings=inputs,
        http_output=http_out,
        disabled=disabled,
        http_type=http_type if http_type in ("asgi", "wsgi") else None,
    )


def load_functions(app_dir: Path) -> list[FunctionSpec]:
    """Import function_app.py from app_dir (on sys.path) and index it, once."""
    app_dir = app_dir.resolve()
    if not (app_dir / "function_app.py").exists():
        raise AppIndexError(f"no function_app.py in {app_dir}")
    if str(app_dir) not in sys.path:
        sys.path.insert(0, str(app_dir))
    module = importlib.import_module("function_app")
    app = find_app(module)
    _loaded[:] = [app]
    specs = [_spec(function) for function in app.get_functions()]
    for spec in specs:
        spec.app_dir = app_dir
    for spec in specs:
        if spec.disabled:
            logger.warning("function %s is disabled: %s", spec.name, spec.disabled)
    return specs


def loaded_app() -> Any:
    """The FunctionApp (or Asgi/WsgiFunctionApp) load_functions indexed, or None."""
    return _loaded[0] if _loaded else None


def function_table(specs: list[FunctionSpec]) -> str:
    width = max((len(s.name) for s in specs), default=8)
    lines = [f"  {s.name:<{width}}  {s.trigger_type:<13} {s.summary}" for s in specs]
    return "\n".join(lines)
