"""Timer triggers: NCRONTAB (seconds first, or 5 fields) or a TimeSpan, in UTC.

One process runs a timer at a time (a renewed lease on `locks/<hostId>/<function>` in
azure-webjobs-hosts), with the host's listener lock settings (SingletonOptions): a 60 s
lease, and a process without it tries again once a minute. A worker killed while it holds
the lock therefore delays the timer by up to 2 minutes, as an instance's crash does in
Azure; a 5 s retry made the lock 0.6 of the idle host's ~12 storage requests a second.
Its schedule status lives in `timers/<hostId>/<function>/status` (Last, Next, LastUpdated,
as the host's monitor keeps it); a stored Next already in the past when the timer starts
means downtime: the timer runs at once with past_due=True. As in Azure, the status is kept
only when `use_monitor` is on, which it is by default for schedules that recur every
minute or less often (off for shorter ones).
"""

from __future__ import annotations

import json
import logging
import threading
import uuid
from datetime import UTC, datetime, timedelta

from azure.core.exceptions import ResourceNotFoundError
from azure.functions.timer import TimerRequest
from croniter import croniter

from devhost.app_loader import FunctionSpec
from devhost.config import HostConfig, parse_timespan
from devhost.invoke import invoke
from devhost.leases import HeldLease, ensure_hosts_container, try_lease
from devhost.storage import HOSTS_CONTAINER, blob_service

__all__ = ["Schedule", "TimerListener"]

logger = logging.getLogger(__name__)
LOCK_SECONDS = 60  # SingletonOptions.ListenerLockPeriod
LOCK_RECOVERY_SECONDS = 60  # SingletonOptions.ListenerLockRecoveryPollingInterval


class Schedule:
    def __init__(self, expression: str) -> None:
        self.expression = expression.strip()
        fields = self.expression.split()
        self.interval: float | None = None
        if len(fields) == 1 and ":" in self.expression:
            self.interval = parse_timespan(self.expression, 0)
        elif len(fields) not in (5, 6):
            raise ValueError(f"not an NCRONTAB expression: {expression!r}")
        self.seconds_first = len(fields) == 6

    def shortest_interval(self, samples: int = 5) -> float:
        moment = datetime.now(UTC)
        gaps = []
        for _ in range(samples):
            nxt = self.next_after(moment)
            gaps.append((nxt - moment).total_seconds())
            moment = nxt
        return min(gaps[1:]) if len(gaps) > 1 else gaps[0]

    def next_after(self, moment: datetime) -> datetime:
        if self.interval is not None:
            return moment + timedelta(seconds=self.interval)
        cron = croniter(self.expression, moment, second_at_beginning=self.seconds_first)
        value: datetime = cron.get_next(datetime)
        return value


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


class TimerListener:
    def __init__(self, spec: FunctionSpec, config: HostConfig, stop: threading.Event) -> None:
        self.spec, self.config, self.stop = spec, config, stop
        self.schedule = Schedule(spec.trigger["schedule"])
        base = f"{config.host_id}/{spec.name}"
        self.lock_name = f"locks/{base}"
        self.status = blob_service().get_blob_client(HOSTS_CONTAINER, f"timers/{base}/status")
        monitor = spec.trigger.get("useMonitor")
        self.monitor = self.schedule.shortest_interval() >= 60 if monitor is None else bool(monitor)

    def run(self) -> None:
        ensure_hosts_container()
        while not self.stop.is_set():
            lease = try_lease(self.lock_name, LOCK_SECONDS)
            if lease is None:
                self.stop.wait(LOCK_RECOVERY_SECONDS)  # another process runs this timer
                continue
            try:
                self._lead(lease)
            finally:
                lease.release()

    def _stored(self) -> dict[str, str]:
        if not self.monitor:
            return {}
        try:
            status: dict[str, str] = json.loads(self.status.download_blob().readall() or b"{}")
        except (ResourceNotFoundError, ValueError):
            return {}
        return status

    def _stored_next(self) -> datetime | None:
        status = self._stored()
        return datetime.fromisoformat(status["Next"]) if status.get("Next") else None

    def _save(self, last: datetime, next_: datetime) -> None:
        if not self.monitor:
            return
        now = datetime.now(UTC)
        body = {"Last": _iso(last), "Next": _iso(next_), "LastUpdated": _iso(now)}
        self.status.upload_blob(json.dumps(body).encode(), overwrite=True)

    def _lead(self, lease: HeldLease) -> None:
        now = datetime.now(UTC)
        stored = self._stored_next()
        past_due = stored is not None and stored < now
        if past_due or self.spec.trigger.get("runOnStartup"):
            self._fire(past_due=past_due, scheduled=now)
        else:
            self._save(now, self.schedule.next_after(now))
        next_run = self.schedule.next_after(datetime.now(UTC))
        while not self.stop.is_set() and not lease.lost.is_set():
            wait = (next_run - datetime.now(UTC)).total_seconds()
            if wait > 0:
                self.stop.wait(min(wait, 1.0))
                continue
            self._fire(past_due=False, scheduled=next_run)
            next_run = self.schedule.next_after(max(next_run, datetime.now(UTC)))

    def _fire(self, *, past_due: bool, scheduled: datetime) -> None:
        try:
            invoke(
                self.spec,
                TimerRequest(
                    past_due=past_due,
                    schedule_status=self._stored() or None,
                    schedule={"AdjustForDST": False},
                ),
                label="timer",
                invocation_id=str(uuid.uuid4()),
            )  # fmt: skip
        except Exception:
            logger.exception("timer function %s failed", self.spec.name)
        self._save(scheduled, self.schedule.next_after(datetime.now(UTC)))
