"""Import DIR/function_app.py as the Python worker does and index its functions once."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import azure.functions as func

__all__ = ["FunctionSpec", "load_functions"]


@dataclass
class FunctionSpec:
    """One indexed function: its trigger binding, other bindings, and the Python callable."""

    name: str
    trigger_type: str
    trigger: dict[str, Any]
    bindings: list[dict[str, Any]]
    callable: Callable[..., Any]
    output_bindings: list[dict[str, Any]] = field(default_factory=list)

    @property
    def summary(self) -> str:
        t = self.trigger
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


def _plain(value: Any) -> Any:
    """Enum members of the decorators library → their str values."""
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return getattr(value, "value", value)


def find_app(module: Any) -> func.FunctionApp:
    apps = [v for v in vars(module).values() if isinstance(v, func.FunctionApp)]
    if len(apps) != 1:
        raise RuntimeError(
            f"function_app.py must define exactly one FunctionApp, found {len(apps)}"
        )
    return apps[0]


def load_functions(app_dir: Path) -> list[FunctionSpec]:
    """Import function_app.py from app_dir (on sys.path) and index it, once."""
    app_dir = app_dir.resolve()
    if not (app_dir / "function_app.py").exists():
        raise RuntimeError(f"no function_app.py in {app_dir}")
    if str(app_dir) not in sys.path:
        sys.path.insert(0, str(app_dir))
    module = importlib.import_module("function_app")
    specs: list[FunctionSpec] = []
    for function in find_app(module).get_functions():
        bindings = [
            {k: _plain(v) for k, v in b.get_dict_repr().items()} for b in function.get_bindings()
        ]
        trigger = next(b for b in bindings if str(b["type"]).endswith("Trigger"))
        outputs = [b for b in bindings if b["direction"] == 1 and b["type"] != "http"]
        specs.append(
            FunctionSpec(
                name=str(function.get_function_name()),
                trigger_type=str(trigger["type"]),
                trigger=trigger,
                bindings=bindings,
                callable=function.get_user_function(),
                output_bindings=outputs,
            )
        )
    return specs


def function_table(specs: list[FunctionSpec]) -> str:
    width = max((len(s.name) for s in specs), default=8)
    lines = [f"  {s.name:<{width}}  {s.trigger_type:<13} {s.summary}" for s in specs]
    return "\n".join(lines)
