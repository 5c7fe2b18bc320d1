"""`context: func.Context` for functions that declare it, as the Python worker builds it."""

from __future__ import annotations

import secrets
import threading
from pathlib import Path
from typing import Any

from azure.functions import _abc

__all__ = ["Context", "new_context"]

_local = threading.local()


class TraceContext(_abc.TraceContext):
    def __init__(self, trace_parent: str, trace_state: str, attributes: dict[str, str]) -> None:
        self._parent, self._state, self._attributes = trace_parent, trace_state, attributes

    @property
    def trace_parent(self) -> str:
        return self._parent

    @property
    def trace_state(self) -> str:
        return self._state

    @property
    def attributes(self) -> dict[str, str]:
        return self._attributes


class RetryContext(_abc.RetryContext):
    def __init__(self, retry_count: int = 0, max_retry_count: int = 0) -> None:
        self._count, self._max = retry_count, max_retry_count

    @property
    def retry_count(self) -> int:
        return self._count

    @property
    def max_retry_count(self) -> int:
        return self._max

    @property
    def exception(self) -> Any:
        return None


class Context(_abc.Context):
    def __init__(
        self, invocation_id: str, function_name: str, function_directory: str, trace: TraceContext
    ) -> None:
        self._id, self._name, self._dir, self._trace = (
            invocation_id, function_name, function_directory, trace,
        )  # fmt: skip
        self._retry = RetryContext()

    @property
    def invocation_id(self) -> str:
        return self._id

    @property
    def thread_local_storage(self) -> Any:
        return _local

    @property
    def function_name(self) -> str:
        return self._name

    @property
    def function_directory(self) -> str:
        return self._dir

    @property
    def trace_context(self) -> TraceContext:
        return self._trace

    @property
    def retry_context(self) -> RetryContext:
        return self._retry


def new_context(
    invocation_id: str, function_name: str, app_dir: Path, traceparent: str | None = None
) -> Context:
    """A context; `traceparent` continues an incoming W3C trace, else a new one starts."""
    if not traceparent:
        traceparent = f"00-{secrets.token_hex(16)}-{secrets.token_hex(8)}-01"
    _local.invocation_id = invocation_id
    return Context(invocation_id, function_name, str(app_dir), TraceContext(traceparent, "", {}))
