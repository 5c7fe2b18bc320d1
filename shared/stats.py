"""The operations view: the last hour's jobs summed up from their records in Table Storage.

The same quantities as the OpenTelemetry metrics (`shared.metrics`), computed from the job
records, so they are there without any telemetry back end: jobs by tool and final status,
processing time and input size per tool, queue age at pickup, webhook outcomes, and the
jobs in flight right now.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from shared.jobs import Job, UnreadableRecord
from shared.states import JobStatus

__all__ = ["WINDOW", "summarize"]

WINDOW = timedelta(hours=1)


def _distribution(values: Sequence[float]) -> dict[str, Any]:
    if not values:
        return {"count": 0, "mean": None, "p95": None, "max": None}
    ordered = sorted(values)
    p95 = ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]
    return {
        "count": len(ordered),
        "mean": round(sum(ordered) / len(ordered), 3),
        "p95": round(p95, 3),
        "max": round(ordered[-1], 3),
    }


def _queue_age(job: Job) -> float | None:
    if job.queued_at is None or job.started_at is None:
        return None
    return max(0.0, (job.started_at - job.queued_at).total_seconds())


@dataclass
class _Tool:
    completed: int = 0
    failed: int = 0
    times: list[float] = field(default_factory=list)
    sizes: list[float] = field(default_factory=list)
    ages: list[float] = field(default_factory=list)


def summarize(
    finished: Iterable[Job | UnreadableRecord],
    in_flight: Iterable[Job | UnreadableRecord],
    *,
    now: datetime,
) -> dict[str, Any]:
    """`finished`: jobs that reached a final state (those before the window are skipped;
    expired ones count by how they ended); `in_flight`: jobs queued or processing now."""
    since = now - WINDOW
    by_tool: dict[str, _Tool] = defaultdict(_Tool)
    webhooks: dict[str, int] = defaultdict(int)
    ages: list[float] = []
    for job in finished:
        if not isinstance(job, Job):  # a record the sweep reports; nothing to count
            continue
        if job.completed_at is None or job.completed_at < since:
            continue
        entry = by_tool[job.tool]
        if job.error_code is None and job.output_blob:
            entry.completed += 1
            if job.processing_time is not None:
                entry.times.append(job.processing_time)
        else:
            entry.failed += 1
        if job.input_size is not None:
            entry.sizes.append(float(job.input_size))
        age = _queue_age(job)
        if age is not None:
            entry.ages.append(age)
            ages.append(age)
        if job.webhook_status:
            webhooks[job.webhook_status] += 1
    completed = sum(t.completed for t in by_tool.values())
    failed = sum(t.failed for t in by_tool.values())
    flight = {"queued": 0, "processing": 0}
    for job in in_flight:
        if isinstance(job, Job) and job.status in (JobStatus.QUEUED, JobStatus.PROCESSING):
            flight[str(job.status)] += 1
    return {
        "from": since.isoformat(),
        "to": now.isoformat(),
        "jobs": {
            "total": completed + failed,
            "completed": completed,
            "failed": failed,
            "failureRate": round(failed / (completed + failed), 4) if completed + failed else None,
        },
        "byTool": [
            {
                "tool": tool,
                "completed": entry.completed,
                "failed": entry.failed,
                "processingTime": _distribution(entry.times),
                "inputSize": _distribution(entry.sizes),
                "queueAge": _distribution(entry.ages),
            }
            for tool, entry in sorted(by_tool.items())
        ],
        "queueAge": _distribution(ages),
        "webhooks": dict(sorted(webhooks.items())),
        "inFlight": flight,
    }
