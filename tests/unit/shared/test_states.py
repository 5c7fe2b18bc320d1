from __future__ import annotations

import pytest

from shared.states import TERMINAL, JobStatus, can_transition

S = JobStatus

LEGAL = {
    (S.PENDING, S.PENDING),
    (S.PENDING, S.QUEUED),
    (S.PENDING, S.FAILED),
    (S.QUEUED, S.QUEUED),
    (S.QUEUED, S.PROCESSING),
    (S.QUEUED, S.FAILED),
    (S.PROCESSING, S.PROCESSING),
    (S.PROCESSING, S.COMPLETED),
    (S.PROCESSING, S.FAILED),
    (S.COMPLETED, S.EXPIRED),
    (S.FAILED, S.EXPIRED),
}


@pytest.mark.parametrize("current", list(S))
@pytest.mark.parametrize("target", list(S))
def test_only_the_listed_moves_are_legal(current: JobStatus, target: JobStatus) -> None:
    assert can_transition(current, target) == ((current, target) in LEGAL)


def test_status_never_moves_backwards_from_terminal() -> None:
    for status in TERMINAL:
        assert not can_transition(status, S.PROCESSING)
        assert not can_transition(status, S.QUEUED)
    assert {S.COMPLETED, S.FAILED, S.EXPIRED} == TERMINAL
