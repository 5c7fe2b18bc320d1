"""The retention sweep the timer runs every 5 minutes (and tests run with their own clock).

- completed/failed past `expiresAt` → output blob deleted, job `expired` (download: 410)
- pending past the upload SAS expiry → `failed` ("upload never arrived"), partial blobs gone;
  or, when every file did arrive but the job was never queued (a crash mid-ingest), queued now
- queued for QUEUED_RESEND_AFTER → its message sent once more (a lost message must not leave
  the job waiting forever; a duplicate is ignored by the processor); queued for
  QUEUED_GIVE_UP_AFTER → `failed` ("no worker picked it up")
- processing past the tool's timeout + a margin → `failed` ("timed out")
- records older than RECORD_RETENTION_DAYS → blobs and record deleted

Every step is a compare-and-swap or a delete that tolerates "already gone", so two
sweeps at once, or a sweep racing a worker, do no harm. Every record is handled on its own:
one that raises is logged with its execution id and counted in `SweepReport.errors`, and
the sweep goes on (one bad record once stopped retention for every tenant).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta

from processors.registry import get_tool
from shared.context import Services
from shared.jobs import Job, UnreadableRecord
from shared.pipeline.lifecycle import dispatch, expire, fail, remove, resend
from shared.states import JobStatus

__all__ = ["QUEUED_GIVE_UP_AFTER", "QUEUED_RESEND_AFTER", "SweepReport", "sweep"]

log = logging.getLogger(__name__)

UPLOAD_GRACE = timedelta(minutes=1)
PROCESSING_MARGIN = timedelta(minutes=5)
QUEUED_RESEND_AFTER = timedelta(minutes=30)
QUEUED_GIVE_UP_AFTER = timedelta(hours=24)


@dataclass
class SweepReport:
    expired: int = 0
    abandoned: int = 0
    requeued: int = 0
    not_picked_up: int = 0
    timed_out: int = 0
    deleted: int = 0
    errors: int = 0
    """Records whose handling failed (logged with their id); the sweep went on without them."""


def sweep(services: Services) -> SweepReport:
    """One pass over every tenant's records. Each record is handled on its own: whatever one
    of them raises is logged with its execution id and counted in `errors`, and the sweep
    goes on, so a bad record can never stop retention for everybody."""
    now = services.clock()
    report = SweepReport()
    live = (
        JobStatus.COMPLETED,
        JobStatus.FAILED,
        JobStatus.PENDING,
        JobStatus.QUEUED,
        JobStatus.PROCESSING,
    )
    _each(services.jobs.with_status(*live), report, lambda job: _visit(services, job, report))
    old = services.jobs.created_before(now - services.settings.record_retention)
    _each(old, report, lambda job: _delete_record(services, job, report))
    log.info(
        "cleanup: %d expired, %d uploads never arrived, %d requeued, %d never picked up, "
        "%d timed out, %d records deleted, %d errors",
        report.expired,
        report.abandoned,
        report.requeued,
        report.not_picked_up,
        report.timed_out,
        report.deleted,
        report.errors,
    )
    return report


def _each(
    records: Iterator[Job | UnreadableRecord], report: SweepReport, handle: Callable[[Job], None]
) -> None:
    """`handle` every job of a scan; a failure is one record's, never the scan's."""
    try:
        for record in records:
            if isinstance(record, UnreadableRecord):
                log.error(
                    "cleanup: record %s/%s is unreadable (%s); left for a person to look at",
                    record.tenant,
                    record.row_key,
                    record.error,
                )
                report.errors += 1
                continue
            try:
                handle(record)
            except Exception:
                log.exception(
                    "cleanup: job %s (%s) failed; sweep goes on", record.execution_id, record.status
                )
                report.errors += 1
    except Exception:  # the listing itself (storage down mid-scan): the next scan still runs
        log.exception("cleanup: listing jobs failed; the next sweep tries again")
        report.errors += 1


def _visit(services: Services, job: Job, report: SweepReport) -> None:
    now = services.clock()
    if job.status in (JobStatus.COMPLETED, JobStatus.FAILED):
        if job.expires_at and job.expires_at <= now and expire(services, job):
            report.expired += 1
    elif job.status == JobStatus.PENDING:
        if job.upload_expires_at and job.upload_expires_at + UPLOAD_GRACE <= now:
            missing = [f.filename for f in job.inputs if not f.arrived]
            if job.inputs and not missing:
                dispatch(services, job)
                report.requeued += 1
                return
            fail(
                services,
                job,
                f"upload never arrived: {', '.join(missing) or 'the file'}",
                "upload_missing",
            )
            report.abandoned += 1
    elif job.status == JobStatus.QUEUED:
        outcome = _check_queued(services, job)
        if outcome == "resent":
            report.requeued += 1
        elif outcome == "failed":
            report.not_picked_up += 1
    else:
        tool = get_tool(job.tool)
        limit = timedelta(seconds=tool.timeout_seconds if tool else 3600) + PROCESSING_MARGIN
        if job.started_at and job.started_at + limit <= now:
            fail(services, job, f"timed out after {int(limit.total_seconds())} s", "timed_out")
            report.timed_out += 1


def _delete_record(services: Services, job: Job, report: SweepReport) -> None:
    remove(services, job)
    report.deleted += 1


def _check_queued(services: Services, job: Job) -> str | None:
    """What the sweep did with a queued job: "resent", "failed", or None (still its turn)."""
    now = services.clock()
    since = job.queued_at or job.created_at
    if since + QUEUED_GIVE_UP_AFTER <= now:
        hours = int(QUEUED_GIVE_UP_AFTER.total_seconds() // 3600)
        fail(services, job, f"no worker picked the job up within {hours} hours", "not_processed")
        return "failed"
    if job.resent_at is None and since + QUEUED_RESEND_AFTER <= now:
        resend(services, job)
        log.info("job %s: still queued after %s; message sent again", job.execution_id, now - since)
        return "resent"
    return None
