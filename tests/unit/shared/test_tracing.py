"""Trace context: carried by traceparent, current inside a scope, on every log line there."""

from __future__ import annotations

import logging

import pytest

from shared import tracing

PARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"


@pytest.mark.parametrize(
    "value",
    [None, "", "garbage", "01-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
     "00-00000000000000000000000000000000-b7ad6b7169203331-01",
     "00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01"],
)  # fmt: skip
def test_invalid_traceparents_are_refused(value: str | None) -> None:
    assert tracing.valid_traceparent(value) is None


def test_a_scope_continues_the_given_trace() -> None:
    with tracing.scope("work", traceparent=PARENT) as trace_id:
        assert trace_id == "0af7651916cd43dd8448eb211c80319c"
        current = tracing.current_traceparent()
    assert current is not None and tracing.trace_id_of(current) == trace_id
    assert tracing.current_traceparent() is None


def test_a_scope_without_a_parent_starts_a_new_trace() -> None:
    with tracing.scope("work", traceparent="nonsense") as first:
        pass
    with tracing.scope("work", traceparent=None) as second:
        pass
    assert len(first) == 32 and first != second


def test_log_lines_inside_a_scope_name_the_job_and_trace(caplog: pytest.LogCaptureFixture) -> None:
    tracing.install_log_context()
    tracing.install_log_context()  # idempotent: one prefix, not two
    log = logging.getLogger("tests.tracing")
    with caplog.at_level(logging.INFO, logger="tests.tracing"):
        with tracing.scope("work", traceparent=PARENT, execution_id="job-1", request_id="r-9"):
            log.info("inside %s", "the scope")
        log.info("outside")
    inside, outside = caplog.records
    assert inside.getMessage() == (
        "[req=r-9 job=job-1 trace=0af7651916cd43dd8448eb211c80319c] inside the scope"
    )
    assert outside.getMessage() == "outside"
