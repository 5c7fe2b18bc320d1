from __future__ import annotations

import uuid
from datetime import timedelta

from shared.context import Services
from shared.jobs import InputFile, Job
from shared.naming import new_execution_id
from shared.states import JobStatus


def _job(tenant: str, **fields: object) -> Job:
    values: dict[str, object] = {
        "execution_id": new_execution_id(),
        "tenant": tenant,
        "tool": "base64-codec",
        "category": "data",
        "parameters": {"mode": "encode"},
        "inputs": [InputFile(filename="a.txt", size=3 * 2**31, blob=f"{tenant}/a.txt")],
    }
    return Job.model_validate(values | fields)


def test_create_then_get_round_trips_every_field(services: Services, tenant: str) -> None:
    created = services.jobs.create(_job(tenant, input_size=3 * 2**31))
    found = services.jobs.get(tenant, created.execution_id)
    assert found is not None
    assert found.parameters == {"mode": "encode"}
    assert found.inputs[0].size == 3 * 2**31
    assert found.input_size == 3 * 2**31
    assert found.status == JobStatus.PENDING
    assert found.etag


def test_another_tenant_cannot_find_the_job(services: Services, tenant: str) -> None:
    created = services.jobs.create(_job(tenant))
    assert services.jobs.get(tenant + "x", created.execution_id) is None


def test_stale_write_is_a_no_op(services: Services, tenant: str) -> None:
    job = services.jobs.create(_job(tenant))
    queued = services.jobs.transition(job, JobStatus.QUEUED)
    assert queued is not None and queued.status == JobStatus.QUEUED
    # `job` carries the old ETag: the write is refused and the record is unchanged
    assert services.jobs.transition(job, JobStatus.FAILED, error="late") is None
    stored = services.jobs.get(tenant, job.execution_id)
    assert stored is not None and stored.status == JobStatus.QUEUED and stored.error is None


def test_illegal_move_is_a_no_op(services: Services, tenant: str) -> None:
    job = services.jobs.create(_job(tenant))
    assert services.jobs.transition(job, JobStatus.COMPLETED) is None
    stored = services.jobs.get(tenant, job.execution_id)
    assert stored is not None and stored.status == JobStatus.PENDING


def test_update_retries_on_conflict_and_decides_again(services: Services, tenant: str) -> None:
    job = services.jobs.create(_job(tenant))
    calls: list[JobStatus] = []

    def decide(current: Job) -> tuple[JobStatus, dict[str, object]] | None:
        calls.append(current.status)
        if len(calls) == 1:  # someone else writes between our read and our write
            services.jobs.transition(current, JobStatus.PENDING, current_step="other")
        return JobStatus.QUEUED, {}

    updated = services.jobs.update(tenant, job.execution_id, decide)
    assert updated is not None and updated.status == JobStatus.QUEUED
    assert len(calls) == 2
    assert updated.current_step == "other"


def test_history_is_newest_first_and_filters(services: Services, tenant: str, clock) -> None:
    ids = []
    for i in range(3):
        clock.advance(seconds=1)
        job = _job(tenant, created_at=clock(), tool="base64-codec" if i != 1 else "other")
        ids.append(services.jobs.create(job).execution_id)
    assert [j.execution_id for j in services.jobs.history(tenant)] == ids[::-1]
    assert [j.execution_id for j in services.jobs.history(tenant, tool="other")] == [ids[1]]
    assert list(services.jobs.history(tenant, status="completed")) == []


def test_delete_removes_record_and_lookup(services: Services, tenant: str) -> None:
    job = services.jobs.create(_job(tenant))
    services.jobs.delete(job)
    assert services.jobs.get(tenant, job.execution_id) is None
    assert list(services.jobs.history(tenant)) == []


def test_created_before_finds_old_records(services: Services, tenant: str, clock) -> None:
    old = services.jobs.create(_job(tenant, created_at=clock() - timedelta(days=8)))
    services.jobs.create(_job(tenant))
    found = [j.execution_id for j in services.jobs.created_before(clock() - timedelta(days=7))]
    assert old.execution_id in found and len([i for i in found if i == old.execution_id]) == 1


def test_a_new_id_addresses_its_row_directly(services: Services, tenant: str) -> None:
    created_at = services.clock()
    ident = new_execution_id(created_at)
    job = services.jobs.create(_job(tenant, execution_id=ident, created_at=created_at))
    # Without the `id_` pointer row the job is still found: the id names the row itself.
    services.jobs.table.delete_entity(tenant, "id_" + ident)
    found = services.jobs.get(tenant, ident)
    assert found is not None and found.row_key == job.row_key


def test_an_old_id_still_resolves_through_its_pointer(services: Services, tenant: str) -> None:
    old = str(uuid.uuid4())  # the ids issued before version 7
    services.jobs.create(_job(tenant, execution_id=old))
    found = services.jobs.get(tenant, old)
    assert found is not None and found.execution_id == old
    assert services.jobs.get(tenant, str(uuid.uuid4())) is None


def _ids(jobs: list[Job]) -> list[str]:
    return [j.execution_id for j in jobs]


def test_a_page_read_under_its_remembered_end_is_the_page_a_full_read_gives(
    services: Services, tenant: str, clock, monkeypatch
) -> None:
    store = services.jobs
    bounds: list[str | None] = []
    history = store.history
    monkeypatch.setattr(
        store, "history", lambda *a, **k: bounds.append(k.get("until")) or history(*a, **k)
    )

    def add() -> Job:
        clock.advance(seconds=1)
        return store.create(_job(tenant, created_at=clock()))

    made = [add() for _ in range(5)]  # newest last
    assert _ids(store.page(tenant, size=3)) == _ids(made[:1:-1])
    assert bounds == [None]  # nothing remembered yet: a plain read
    made += [add(), add()]
    assert _ids(store.page(tenant, size=3)) == _ids(made[:3:-1])
    assert bounds[1:] == [made[2].row_key]  # one read, up to where the page ended before
    for job in made[4:6]:  # under the bound now: 5 and 6 of the 7; too few rows left
        store.delete(job)
    assert _ids(store.page(tenant, size=3)) == _ids([made[6], made[3], made[2]])
    assert bounds[2:] == [made[4].row_key, None]  # the bounded read fell short: a full one
    after = made[6].row_key  # a later page: its own remembered end
    assert _ids(store.page(tenant, size=2, after=after)) == _ids([made[3], made[2]])
    assert _ids(store.page(tenant, size=2, after=after)) == _ids([made[3], made[2]])
    assert bounds[-1] == made[2].row_key


def test_a_filtered_page_sees_a_job_that_has_come_to_match(
    services: Services, tenant: str, clock
) -> None:
    store = services.jobs
    made = []
    for _ in range(4):
        clock.advance(seconds=1)
        made.append(store.create(_job(tenant, created_at=clock(), status=JobStatus.COMPLETED)))
    clock.advance(seconds=1)
    pending = store.create(_job(tenant, created_at=clock()))
    assert _ids(store.page(tenant, size=2, status="completed")) == _ids(made[:1:-1])
    queued = store.transition(pending, JobStatus.QUEUED)
    assert queued is not None
    processing = store.transition(queued, JobStatus.PROCESSING)
    assert processing is not None
    assert store.transition(processing, JobStatus.COMPLETED) is not None
    assert _ids(store.page(tenant, size=2, status="completed")) == _ids([pending, made[3]])
