"""Call a user function as the Python worker does; one log line per call.

Arguments: the trigger value, input bindings, `func.Out` holders for output bindings, and
`context` when the function declares it; the trigger's binding data feeds {expressions}.
Async functions run on one event loop per process.
After the call, output bindings are written; the HTTP answer (the `$return` value or the
http output's Out) is returned.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import threading
import time
from pathlib import Path
from typing import Any

from devhost.app_loader import FunctionSpec
from devhost.context import new_context
from devhost.inputs import input_values
from devhost.outputs import write_output

__all__ = ["Out", "describe", "invoke", "shutdown_asgi"]

logger = logging.getLogger("devhost.invocations")
_loop: asyncio.AbstractEventLoop | None = None
_loop_lock = threading.Lock()


class Out:
    """What func.Out[T] parameters receive: set() once, read back by the host."""

    def __init__(self) -> None:
        self.value: Any = None
        self.was_set = False

    def set(self, value: Any) -> None:
        self.value = value
        self.was_set = True

    def get(self) -> Any:
        return self.value


def _event_loop() -> asyncio.AbstractEventLoop:
    global _loop
    with _loop_lock:
        if _loop is None:
            _loop = asyncio.new_event_loop()
            threading.Thread(target=_loop.run_forever, daemon=True, name="async-functions").start()
        return _loop


def shutdown_asgi(app: Any) -> None:
    """Send an AsgiFunctionApp's lifespan shutdown on the loop that started it.

    The library's own __del__ would do it with a fresh event loop at interpreter exit and
    wait forever for a lifespan task that lives on ours.
    """
    if not getattr(app, "startup_task_done", False) or _loop is None:
        return
    app.startup_task_done = False
    try:
        asyncio.run_coroutine_threadsafe(app.middleware.notify_shutdown(), _loop).result(5)
    except Exception as exc:
        logger.warning("ASGI shutdown failed: %s", describe(exc))


def describe(exc: BaseException) -> str:
    """'Type: message' for logs (the message cut to one line)."""
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0][:300]}" if text else type(exc).__name__


def invoke(
    spec: FunctionSpec,
    trigger_value: Any,
    *,
    label: str,
    invocation_id: str,
    data: dict[str, Any] | None = None,
    queue_encoding: str = "base64",
    traceparent: str | None = None,
) -> Any:
    """Run the function; re-raise its exception after logging. Returns the HTTP answer."""
    data = dict(data or {})
    started = time.perf_counter()
    outcome = "Succeeded"
    try:
        kwargs: dict[str, Any] = {spec.trigger["name"]: trigger_value}
        kwargs.update(input_values(spec, data))
        outs: dict[str, Out] = {}
        out_names = [b["name"] for b in spec.output_bindings]
        if spec.http_output and spec.http_output != "$return":
            out_names.append(spec.http_output)
        for name in out_names:
            if name != "$return":
                outs[name] = kwargs[name] = Out()
        if spec.accepts("context") and "context" not in kwargs:
            kwargs["context"] = new_context(
                invocation_id, spec.name, spec.app_dir or Path.cwd(), traceparent
            )
        if inspect.iscoroutinefunction(spec.callable):
            future = asyncio.run_coroutine_threadsafe(spec.callable(**kwargs), _event_loop())
            result = future.result()
        else:
            result = spec.callable(**kwargs)
            if inspect.iscoroutine(result):
                result = asyncio.run_coroutine_threadsafe(result, _event_loop()).result()
        for binding in spec.output_bindings:
            name = binding["name"]
            value = result if name == "$return" else outs[name].value
            write_output(spec, binding, value, data, queue_encoding)
        if spec.http_output is None:
            return result
        return result if spec.http_output == "$return" else outs[spec.http_output].value
    except BaseException as exc:
        outcome = f"Failed {describe(exc)}"
        raise
    finally:
        duration = (time.perf_counter() - started) * 1000
        logger.info(
            "Executed function=%s trigger=%s id=%s duration_ms=%d outcome=%s",
            spec.name, label, invocation_id, duration, outcome,
        )  # fmt: skip
