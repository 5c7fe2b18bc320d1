"""The clock: aware UTC time. `Services.clock` is the one every component reads, so tests
inject a settable one and the sweep, the job store and SAS expiries all move with it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

__all__ = ["Clock", "utcnow"]

Clock = Callable[[], datetime]


def utcnow() -> datetime:
    return datetime.now(UTC)
