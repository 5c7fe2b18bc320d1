"""One trace per job, across HTTP, ingest, processing and webhooks; ids on every log line.

A request's W3C `traceparent` (or a new one) is stored on the job and travels in its queue
and webhook messages; each stage runs inside `scope(...)`, which makes that trace current
for OpenTelemetry (so Application Insights correlates the stages by `operation_Id`) and
for our own log lines: `install_log_context()` prefixes every record logged inside a scope
with `[job=<execution id> trace=<trace id>]` (and `req=<request id>` for HTTP), so the
lines of one job can be found by either id in any log sink.
"""

from __future__ import annotations

import logging
import re
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from opentelemetry import trace
from opentelemetry.propagate import extract

__all__ = [
    "current_traceparent",
    "install_log_context",
    "new_traceparent",
    "scope",
    "trace_id_of",
    "valid_traceparent",
]

_TRACEPARENT = re.compile(r"^00-(?P<trace>[0-9a-f]{32})-(?P<span>[0-9a-f]{16})-[0-9a-f]{2}$")
_labels: ContextVar[tuple[tuple[str, str], ...]] = ContextVar("mtb_log_labels", default=())
_tracer = trace.get_tracer("magictoolbox")
_installed = False
_lock = threading.Lock()


def valid_traceparent(value: str | None) -> str | None:
    """`value` when it is a version-00 traceparent with non-zero ids, else None."""
    match = _TRACEPARENT.match((value or "").strip().lower())
    if match is None or set(match["trace"]) == {"0"} or set(match["span"]) == {"0"}:
        return None
    return match.group(0)


def new_traceparent() -> str:
    return f"00-{secrets.token_hex(16)}-{secrets.token_hex(8)}-01"


def trace_id_of(traceparent: str) -> str:
    return traceparent.split("-")[1]


def current_traceparent() -> str | None:
    """The traceparent of the span in effect (to put into a message), or None outside one."""
    context = trace.get_current_span().get_span_context()
    if not context.is_valid:
        return None
    return f"00-{context.trace_id:032x}-{context.span_id:016x}-{context.trace_flags:02x}"


@contextmanager
def scope(
    name: str,
    *,
    traceparent: str | None,
    execution_id: str | None = None,
    request_id: str | None = None,
) -> Iterator[str]:
    """Run the block in the trace of `traceparent` (a new trace when None or invalid);
    yields the trace id."""
    parent = valid_traceparent(traceparent) or new_traceparent()
    labels: list[tuple[str, str]] = []
    if request_id:
        labels.append(("req", request_id))
    if execution_id:
        labels.append(("job", execution_id))
    labels.append(("trace", trace_id_of(parent)))
    token = _labels.set(tuple(labels))
    try:
        with _tracer.start_as_current_span(name, context=extract({"traceparent": parent})):
            yield trace_id_of(parent)
    finally:
        _labels.reset(token)


def labels() -> dict[str, str]:
    return dict(_labels.get())


def install_log_context() -> None:
    """Prefix log records made inside a scope with its ids (once per process)."""
    global _installed
    with _lock:
        if _installed:
            return
        previous = logging.getLogRecordFactory()

        def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
            record = previous(*args, **kwargs)
            current = _labels.get()
            if current and isinstance(record.msg, str):
                prefix = " ".join(f"{key}={value}" for key, value in current)
                record.msg = f"[{prefix}] {record.msg}"
                for key, value in current:
                    setattr(record, f"mtb_{key}", value)
            return record

        logging.setLogRecordFactory(factory)
        _installed = True
