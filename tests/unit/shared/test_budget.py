"""The instance memory budget: runs that do not fit wait for room, never fail for it."""

from __future__ import annotations

import threading

import pytest

from shared.errors import TransientError
from shared.pipeline.budget import MemoryBudget, instance_budget


def test_a_run_that_does_not_fit_waits_until_one_finishes() -> None:
    budget = MemoryBudget(3072)
    started: list[str] = []
    release = threading.Event()

    def run(name: str) -> None:
        with budget.reserve(1536, timeout=60):
            started.append(name)
            release.wait(60)

    first, second = (
        threading.Thread(target=run, args=("a",)),
        threading.Thread(target=run, args=("b",)),
    )
    first.start()
    second.start()
    while len(started) < 2:
        threading.Event().wait(0.01)
    assert budget.free_mb == 0
    third = threading.Thread(target=run, args=("c",))
    third.start()
    third.join(0.2)
    assert sorted(started) == ["a", "b"]  # c is waiting, not failed
    assert third.is_alive()
    release.set()
    for thread in (first, second, third):
        thread.join(60)
    assert sorted(started) == ["a", "b", "c"] and budget.free_mb == 3072


def test_waiting_past_the_timeout_gives_the_message_back() -> None:
    budget = MemoryBudget(1000)
    with (
        budget.reserve(1000, timeout=1),
        pytest.raises(TransientError),
        budget.reserve(10, timeout=0),
    ):
        pass
    assert budget.free_mb == 1000


def test_a_run_larger_than_the_budget_takes_the_whole_budget() -> None:
    budget = MemoryBudget(512)
    with budget.reserve(4096, timeout=0):
        assert budget.free_mb == 0


def test_one_budget_per_process_and_size() -> None:
    assert instance_budget(777) is instance_budget(777)
