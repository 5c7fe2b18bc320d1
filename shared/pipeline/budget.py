"""One instance's memory budget for tool runs: jobs wait for room instead of failing.

Each tool run may grow to `TOOL_MEMORY_MB` before the runner stops it, so each reserves that
much of `INSTANCE_MEMORY_MB` for as long as it runs; a run that does not fit waits until
enough earlier runs finish. The sum of the running tools' limits never passes the budget,
so several legal jobs together cannot take the instance down (four GPX conversions once
needed 2.37 GB together). A wait that outlasts its timeout raises NoRoomError; the queued
path then gives the job's message back to the queue (shared.pipeline.process).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from shared.errors import TransientError

__all__ = ["MemoryBudget", "NoRoomError", "instance_budget"]

log = logging.getLogger(__name__)


class NoRoomError(TransientError):
    """No room in the budget came within the wait."""


class MemoryBudget:
    def __init__(self, total_mb: int) -> None:
        self.total_mb = total_mb
        self._free = total_mb
        self._room = threading.Condition()

    @property
    def free_mb(self) -> int:
        with self._room:
            return self._free

    @contextmanager
    def reserve(self, mb: int, *, timeout: float) -> Iterator[None]:
        """Hold `mb` (at most the whole budget) while the block runs; wait up to `timeout`
        for room first (NoRoomError then)."""
        need = min(mb, self.total_mb)
        with self._room:
            if self._free < need:
                log.info("memory budget: waiting for %d MB (%d MB free)", need, self._free)
            if not self._room.wait_for(lambda: self._free >= need, timeout=timeout):
                raise NoRoomError(f"no room for {need} MB of tool memory within {timeout:g} s")
            self._free -= need
        try:
            yield
        finally:
            with self._room:
                self._free += need
                self._room.notify_all()


_budgets: dict[int, MemoryBudget] = {}
_lock = threading.Lock()


def instance_budget(total_mb: int) -> MemoryBudget:
    """The process's budget of `total_mb` (one per process: an instance shares it)."""
    with _lock:
        budget = _budgets.get(total_mb)
        if budget is None:
            budget = _budgets[total_mb] = MemoryBudget(total_mb)
        return budget
