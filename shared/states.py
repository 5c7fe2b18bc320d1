"""The job state machine: one pure transition table, no I/O.

    pending ──► queued ──► processing ──► completed ──► expired
       │         │  ▲          │  ▲
       │         └──┘          └──┘ (a redelivered message retries)
       │  (the sweep resent its message)
       └──────────┴────────────┴──► failed ──► expired

Only these moves are legal; the job store turns anything else into a logged no-op.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = ["TERMINAL", "JobStatus", "can_transition"]


class JobStatus(StrEnum):
    PENDING = "pending"
    QUEUED = "queued"
    PROCESSING = "processing"
    COMPLETED = "completed"
    FAILED = "failed"
    EXPIRED = "expired"


_S = JobStatus
TRANSITIONS: dict[JobStatus, frozenset[JobStatus]] = {
    _S.PENDING: frozenset({_S.PENDING, _S.QUEUED, _S.FAILED}),
    _S.QUEUED: frozenset({_S.QUEUED, _S.PROCESSING, _S.FAILED}),
    _S.PROCESSING: frozenset({_S.PROCESSING, _S.COMPLETED, _S.FAILED}),
    _S.COMPLETED: frozenset({_S.EXPIRED}),
    _S.FAILED: frozenset({_S.EXPIRED}),
    _S.EXPIRED: frozenset(),
}
"""pending → pending records a file's arrival (multi-file jobs); queued → queued a message the
sweep sent again; processing → processing a retry."""

TERMINAL = frozenset({_S.COMPLETED, _S.FAILED, _S.EXPIRED})


def can_transition(current: JobStatus, target: JobStatus) -> bool:
    return target in TRANSITIONS[current]
