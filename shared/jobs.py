"""The job record and its store in Table `jobs`.

PartitionKey = tenant; RowKey = inverted creation time + id, so a tenant's history reads
newest first. A second entity in the same partition, RowKey `id_<executionId>`, points at
the job's RowKey. Both are written and deleted in one entity-group transaction. An id of
version 7 carries the creation time, so `get` reads the job's row directly: one point
read; older (version 4) ids, or a job whose id and creation time disagree, take the
pointer: two reads. Every update is a compare-and-swap on the ETag, and the
transition table in `shared.states` decides which moves are legal.

A history page (`page`) is one query for the `size` smallest row keys after the cursor.
The store remembers where each recent page ended and asks for rows up to that key: if at
least `size` rows match, no row past the bound can belong to the page, whatever was
created or changed since. Azure answers either query in time independent of the tenant's
history; Azurite scans and sorts every match, so the bound keeps a large tenant's page
from sorting its whole history (docs/api.md, "What a page costs").
"""

from __future__ import annotations

import itertools
import json
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from azure.core import MatchConditions
from azure.core.exceptions import ResourceModifiedError, ResourceNotFoundError
from azure.data.tables import EdmType, EntityProperty, TableClient, UpdateMode
from pydantic import BaseModel, Field

from shared.clock import utcnow
from shared.naming import job_row_key, row_key_of
from shared.states import JobStatus, can_transition

__all__ = ["InputFile", "Job", "JobStore", "UnreadableRecord"]

log = logging.getLogger(__name__)

_LOOKUP_PREFIX = "id_"
_JSON_FIELDS = ("parameters", "inputs")
_INT64_FIELDS = ("input_size", "output_size")
_REMEMBERED_PAGES = 4096


class InputFile(BaseModel):
    filename: str
    size: int
    blob: str
    arrived: bool = False
    etag: str | None = None
    """The version ingest checked; the processor downloads exactly this one (If-Match)."""


class Job(BaseModel):
    execution_id: str
    tenant: str
    tool: str
    category: str
    status: JobStatus = JobStatus.PENDING
    parameters: dict[str, Any] = Field(default_factory=dict)
    inputs: list[InputFile] = Field(default_factory=list)
    created_at: datetime = Field(default_factory=utcnow)
    row_key: str = ""
    progress: float = 0.0
    current_step: str | None = None
    input_size: int | None = None
    output_filename: str | None = None
    output_blob: str | None = None
    output_size: int | None = None
    compression_ratio: float | None = None
    processing_time: float | None = None
    queued_at: datetime | None = None
    resent_at: datetime | None = None
    started_at: datetime | None = None
    completed_at: datetime | None = None
    upload_expires_at: datetime | None = None
    expires_at: datetime | None = None
    error: str | None = None
    error_code: str | None = None
    attempts: int = 0
    message_id: str | None = None
    traceparent: str | None = None
    """The W3C trace context of the request that created the job (shared.tracing)."""
    api_base: str | None = None
    """The API root the job was created through, for links in its webhook events."""
    webhook_url: str | None = None
    webhook_status: str | None = None
    webhook_attempts: int = 0
    webhook_message: str | None = None
    etag: str | None = Field(default=None, exclude=True)

    def model_post_init(self, _context: Any) -> None:
        if not self.row_key:
            self.row_key = job_row_key(self.created_at, self.execution_id)

    @property
    def input_filename(self) -> str | None:
        return self.inputs[0].filename if self.inputs else None

    def with_changes(self, status: JobStatus | None = None, **changes: Any) -> Job:
        if status is not None:
            changes["status"] = status
        return self.model_copy(update=changes)

    # -- table entity mapping -------------------------------------------------------

    def to_entity(self) -> dict[str, Any]:
        data = self.model_dump(mode="python")
        entity: dict[str, Any] = {"PartitionKey": self.tenant, "RowKey": self.row_key}
        for key, value in data.items():
            if value is None:
                continue
            if key in _JSON_FIELDS:
                value = json.dumps(value)
            elif key in _INT64_FIELDS:
                value = EntityProperty(int(value), EdmType.INT64)
            elif key == "status":
                value = str(value)
            entity[key] = value
        return entity

    @classmethod
    def from_entity(cls, entity: Any) -> Job:
        data: dict[str, Any] = {}
        for key, value in dict(entity).items():
            if key in ("PartitionKey", "RowKey"):
                continue
            if isinstance(value, EntityProperty):
                value = value.value
            if key in _JSON_FIELDS and isinstance(value, str):
                value = json.loads(value)
            data[key] = value
        job = cls.model_validate(data)
        job.etag = entity.metadata.get("etag") if hasattr(entity, "metadata") else None
        return job


@dataclass(frozen=True)
class UnreadableRecord:
    """A job entity that does not parse as a Job (written by hand, or by an old version)."""

    tenant: str
    row_key: str
    error: str


class JobStore:
    """Reads and compare-and-swap writes of job records."""

    def __init__(self, table: TableClient) -> None:
        self.table = table
        self._page_ends: OrderedDict[tuple[Any, ...], str] = OrderedDict()
        self._page_lock = threading.Lock()

    def create(self, job: Job) -> Job:
        lookup = {
            "PartitionKey": job.tenant,
            "RowKey": _LOOKUP_PREFIX + job.execution_id,
            "job_row_key": job.row_key,
        }
        results = self.table.submit_transaction([("create", job.to_entity()), ("create", lookup)])
        log.info("job %s created for tool %s: %s", job.execution_id, job.tool, job.status)
        created = job.model_copy()
        created.etag = results[0].get("etag")  # the stored row's ETag: no read back needed
        return created

    def get(self, tenant: str, execution_id: str) -> Job | None:
        direct = row_key_of(execution_id)
        if direct is not None:
            try:
                return Job.from_entity(self.table.get_entity(tenant, direct))
            except ResourceNotFoundError:
                pass
        try:
            lookup = self.table.get_entity(tenant, _LOOKUP_PREFIX + execution_id)
            entity = self.table.get_entity(tenant, lookup["job_row_key"])
        except ResourceNotFoundError:
            return None
        return Job.from_entity(entity)

    def transition(self, job: Job, target: JobStatus, **changes: Any) -> Job | None:
        """One CAS write of `job` moved to `target`; None (logged) when illegal or stale."""
        if not can_transition(job.status, target):
            log.info("job %s: ignored illegal move %s -> %s", job.execution_id, job.status, target)
            return None
        updated = job.with_changes(target, **changes)
        try:
            metadata = self.table.update_entity(
                updated.to_entity(),
                mode=UpdateMode.REPLACE,
                etag=job.etag,
                match_condition=MatchConditions.IfNotModified,
            )
        except (ResourceModifiedError, ResourceNotFoundError):
            log.info("job %s: ignored stale move %s -> %s", job.execution_id, job.status, target)
            return None
        updated.etag = metadata.get("etag")
        if target != job.status:
            log.info("job %s: %s -> %s", job.execution_id, job.status, target)
        return updated

    def update(
        self,
        tenant: str,
        execution_id: str,
        change: Callable[[Job], tuple[JobStatus, dict[str, Any]] | None],
        *,
        attempts: int = 8,
        current: Job | None = None,
    ) -> Job | None:
        """Read, decide with `change`, CAS-write; re-read and decide again on a conflict.

        `change(job)` returns (target status, field changes) or None for "nothing to do".
        `current`, a copy the caller has just read (with its ETag), saves the first read.
        """
        for attempt in range(attempts):
            job = (
                current if attempt == 0 and current is not None else self.get(tenant, execution_id)
            )
            if job is None:
                return None
            decision = change(job)
            if decision is None:
                return None
            target, changes = decision
            if not can_transition(job.status, target):
                log.info("job %s: ignored illegal move %s -> %s", execution_id, job.status, target)
                return None
            updated = self.transition(job, target, **changes)
            if updated is not None:
                return updated
        log.warning("job %s: gave up after %d conflicting writes", execution_id, attempts)
        return None

    def annotate(self, tenant: str, execution_id: str, **fields: Any) -> bool:
        """Merge `fields` into the job without touching its state (webhook notes): False
        when the job is gone. A concurrent state write's ETag check sees the change and
        re-reads, so neither write is lost."""
        job = self.get(tenant, execution_id)
        if job is None:
            return False
        entity = {"PartitionKey": tenant, "RowKey": job.row_key, **fields}
        try:
            self.table.update_entity(entity, mode=UpdateMode.MERGE)
        except ResourceNotFoundError:
            return False
        return True

    def delete(self, job: Job) -> None:
        operations: list[Any] = [
            ("delete", {"PartitionKey": job.tenant, "RowKey": job.row_key}),
            ("delete", {"PartitionKey": job.tenant, "RowKey": _LOOKUP_PREFIX + job.execution_id}),
        ]
        try:
            self.table.submit_transaction(operations)
        except Exception:  # one of the two is already gone: delete what is left
            for _, entity in operations:
                self.table.delete_entity(entity["PartitionKey"], entity["RowKey"])
        log.info("job %s deleted", job.execution_id)

    def history(
        self,
        tenant: str,
        *,
        tool: str | None = None,
        status: str | None = None,
        after: str | None = None,
        until: str | None = None,
        page_size: int | None = None,
    ) -> Iterator[Job]:
        """A tenant's jobs, newest first, from just after the row key `after` if given, up
        to the row key `until` (included) if given.

        Read lazily, `page_size` rows per storage request: taking the first n jobs with
        `page_size=n` costs one request when no filter skips rows.
        """
        # A job's row key sorts before every `id_` pointer row, so `until` bounds both.
        query = "PartitionKey eq @tenant and " + ("RowKey le @end" if until else "RowKey lt @end")
        parameters: dict[str, Any] = {"tenant": tenant, "end": until or _LOOKUP_PREFIX}
        if after:
            query += " and RowKey gt @after"
            parameters["after"] = after
        if tool:
            query += " and tool eq @tool"
            parameters["tool"] = tool
        if status:
            query += " and status eq @status"
            parameters["status"] = status
        entities = self.table.query_entities(
            query, parameters=parameters, results_per_page=page_size
        )
        for entity in entities:
            yield Job.from_entity(entity)

    def page(
        self,
        tenant: str,
        *,
        size: int,
        tool: str | None = None,
        status: str | None = None,
        after: str | None = None,
    ) -> list[Job]:
        """The first `size` jobs of `history(...)`, in one request (two when rows under the
        remembered end of this page were deleted since)."""
        key = (tenant, tool, status, after, size)
        with self._page_lock:
            until = self._page_ends.get(key)

        def first(bound: str | None) -> list[Job]:
            rows = self.history(
                tenant, tool=tool, status=status, after=after, until=bound, page_size=size
            )
            return list(itertools.islice(rows, size))

        jobs = first(until)
        if until and len(jobs) < size:  # too few rows under the bound to prove the page whole
            jobs = first(None)
        if len(jobs) == size:
            with self._page_lock:
                self._page_ends[key] = jobs[-1].row_key
                self._page_ends.move_to_end(key)
                while len(self._page_ends) > _REMEMBERED_PAGES:
                    self._page_ends.popitem(last=False)
        return jobs

    def with_status(self, *statuses: JobStatus) -> Iterator[Job | UnreadableRecord]:
        """Every tenant's jobs in one of `statuses` (the cleanup timer's scan)."""
        query = " or ".join(f"status eq @s{i}" for i in range(len(statuses)))
        parameters = {f"s{i}": str(s) for i, s in enumerate(statuses)}
        yield from self._scan(query, parameters)

    def finished_since(self, cutoff: datetime) -> Iterator[Job | UnreadableRecord]:
        """Every tenant's jobs that reached a final state at or after `cutoff` (ops stats)."""
        yield from self._scan("completed_at ge @cutoff", {"cutoff": cutoff})

    def created_before(self, cutoff: datetime) -> Iterator[Job | UnreadableRecord]:
        """Every tenant's jobs created before `cutoff` (record retention)."""
        yield from self._scan("created_at lt @cutoff", {"cutoff": cutoff})

    def _scan(self, query: str, parameters: dict[str, Any]) -> Iterator[Job | UnreadableRecord]:
        """A scan across tenants that one bad record cannot end: it is handed over as an
        UnreadableRecord (an exception inside a generator would stop the whole scan)."""
        for entity in self.table.query_entities(query, parameters=parameters):
            if entity["RowKey"].startswith(_LOOKUP_PREFIX):
                continue
            try:
                yield Job.from_entity(entity)
            except (ValueError, TypeError, KeyError) as exc:
                yield UnreadableRecord(entity["PartitionKey"], entity["RowKey"], repr(exc)[:200])
