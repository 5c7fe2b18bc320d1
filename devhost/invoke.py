"""Call a user function with its trigger value and output bindings; one log line per call."""

from __future__ import annotations

import inspect
import json
import logging
import time
from typing import Any

from devhost.app_loader import FunctionSpec
from devhost.storage import blob_service, encode_message, queue_service

__all__ = ["Out", "invoke"]

logger = logging.getLogger("devhost.invocations")


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


def _accepts(function: Any, name: str) -> bool:
    try:
        return name in inspect.signature(function).parameters
    except (TypeError, ValueError):
        return False


def _write_output(
    binding: dict[str, Any], value: Any, route: dict[str, str], encoding: str
) -> None:
    if value is None:
        return
    kind = binding["type"]
    if kind == "queue":
        queue = queue_service().get_queue_client(binding["queueName"].format(**route))
        values = value if isinstance(value, list) else [value]
        for item in values:
            text = item if isinstance(item, str | bytes) else json.dumps(item)
            queue.send_message(encode_message(text, encoding))
    elif kind == "blob":
        container, _, name = binding["path"].format(**route).partition("/")
        data = value.read() if hasattr(value, "read") else value
        client = blob_service().get_blob_client(container, name)
        client.upload_blob(data, overwrite=True)
    else:
        logger.warning("output binding type %s is not emulated: value dropped", kind)


def invoke(
    spec: FunctionSpec,
    trigger_value: Any,
    *,
    label: str,
    invocation_id: str,
    metadata: dict[str, str] | None = None,
    queue_encoding: str = "base64",
) -> Any:
    """Run the function; re-raise its exception after logging. Returns its return value."""
    metadata = metadata or {}
    kwargs: dict[str, Any] = {spec.trigger["name"]: trigger_value}
    outs: dict[str, Out] = {}
    for binding in spec.output_bindings:
        if binding["name"] != "$return":
            outs[binding["name"]] = kwargs[binding["name"]] = Out()
    for key, value in metadata.items():
        if key not in kwargs and _accepts(spec.callable, key):
            kwargs[key] = value
    started = time.perf_counter()
    outcome = "Succeeded"
    try:
        result = spec.callable(**kwargs)
        if inspect.iscoroutine(result):
            import asyncio

            result = asyncio.run(result)
        for binding in spec.output_bindings:
            value = result if binding["name"] == "$return" else outs[binding["name"]].value
            _write_output(binding, value, metadata, queue_encoding)
        return result
    except BaseException as exc:
        outcome = f"Failed {type(exc).__name__}"
        raise
    finally:
        duration = (time.perf_counter() - started) * 1000
        logger.info(
            "Executed function=%s trigger=%s id=%s duration_ms=%d outcome=%s",
            spec.name, label, invocation_id, duration, outcome,
        )  # fmt: skip
