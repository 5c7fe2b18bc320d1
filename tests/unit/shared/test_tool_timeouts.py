"""Every tool run ends, by its own timeout, before the Functions host's timeout ends the
invocation: the runner's timeout fails the one job with a reason; the host's would restart
the whole worker process, with every job on it."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from devhost.config import parse_timespan
from processors.registry import all_tools
from shared.pipeline.cleanup import PROCESSING_MARGIN
from shared.pipeline.process import ROOM_WAIT_SECONDS

HOST_JSON = Path(__file__).resolve().parents[3] / "host.json"


def _function_timeout() -> timedelta:
    value = json.loads(HOST_JSON.read_text())["functionTimeout"]
    return timedelta(seconds=parse_timespan(value, default=0.0))


@pytest.mark.parametrize("tool", all_tools(), ids=lambda tool: tool.name)
def test_a_tool_run_and_the_fetch_and_store_around_it_fit_in_the_function_timeout(
    tool: object,
) -> None:
    timeout = timedelta(seconds=tool.timeout_seconds)  # type: ignore[attr-defined]
    # PROCESSING_MARGIN is what the retention sweep allows beyond the tool's timeout for the
    # input's fetch, the output's upload and the writes before it calls a job stuck.
    assert timeout + PROCESSING_MARGIN <= _function_timeout()


def test_the_wait_for_room_fits_in_the_margin_around_a_run() -> None:
    # An invocation fetches, waits for room in the memory budget, then runs and stores: the
    # wait comes out of the same margin as the transfers.
    assert timedelta(seconds=ROOM_WAIT_SECONDS) <= PROCESSING_MARGIN / 4
