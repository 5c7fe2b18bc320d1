"""The retention sweep with an injected clock."""

from __future__ import annotations

from datetime import timedelta

from shared.api import executions as api_executions
from shared.context import Services
from shared.jobs import InputFile, Job
from shared.naming import new_execution_id
from shared.pipeline.cleanup import sweep
from shared.states import JobStatus
from tests.unit.shared.test_flow import call


def _completed(services: Services, tenant: str, *, category: str = "data") -> Job:
    ident = new_execution_id()
    blob = f"{tenant}/{ident}.txt"
    services.storage.blob_service.get_blob_client(f"{category}-processed", blob).upload_blob(b"out")
    now = services.clock()
    return services.jobs.create(
        Job(
            execution_id=ident, tenant=tenant, tool="base64-codec", category=category,
            status=JobStatus.COMPLETED, created_at=now, completed_at=now, output_blob=blob,
            output_filename="x.txt", expires_at=now + services.settings.retention(category),
        )
    )  # fmt: skip


def test_outputs_expire_then_download_is_gone(
    services: Services, tenant: str, key: str, clock
) -> None:
    job = _completed(services, tenant, category="image")
    blob = services.storage.blob_service.get_blob_client("image-processed", job.output_blob or "")
    clock.advance(minutes=9)
    assert (
        sweep(services).expired == 0
        or services.jobs.get(tenant, job.execution_id).status == JobStatus.COMPLETED
    )  # type: ignore[union-attr]
    assert blob.exists()
    clock.advance(minutes=2)
    sweep(services)
    assert services.jobs.get(tenant, job.execution_id).status == JobStatus.EXPIRED  # type: ignore[union-attr]
    assert not blob.exists()
    status, body, _ = call(
        services, key, api_executions.download, method="GET", route={"id": job.execution_id}
    )
    assert status == 410 and body["code"] == "gone"
    sweep(services)  # a second sweep changes nothing
    assert services.jobs.get(tenant, job.execution_id).status == JobStatus.EXPIRED  # type: ignore[union-attr]


def test_stuck_processing_job_fails_as_timed_out(services: Services, tenant: str, clock) -> None:
    job = services.jobs.create(
        Job(
            execution_id=new_execution_id(), tenant=tenant, tool="base64-codec", category="data",
            status=JobStatus.PROCESSING, started_at=clock(),
        )
    )  # fmt: skip
    sweep(services)
    assert services.jobs.get(tenant, job.execution_id).status == JobStatus.PROCESSING  # type: ignore[union-attr]
    clock.advance(minutes=10)  # base64-codec: 60 s timeout + 5 min margin
    sweep(services)
    failed = services.jobs.get(tenant, job.execution_id)
    assert (
        failed is not None
        and failed.status == JobStatus.FAILED
        and failed.error_code == "timed_out"
    )


def test_pending_upload_that_never_came_fails(services: Services, tenant: str, clock) -> None:
    job = services.jobs.create(
        Job(
            execution_id=new_execution_id(), tenant=tenant, tool="base64-codec", category="data",
            created_at=clock(), upload_expires_at=clock() + timedelta(minutes=15),
            inputs=[InputFile(filename="a.bin", size=3, blob=f"{tenant}/never.bin")],
        )
    )  # fmt: skip
    clock.advance(minutes=17)
    sweep(services)
    failed = services.jobs.get(tenant, job.execution_id)
    assert failed is not None and failed.status == JobStatus.FAILED
    assert failed.error == "upload never arrived: a.bin"


def test_old_records_are_deleted_with_their_blobs(services: Services, tenant: str, clock) -> None:
    job = _completed(services, tenant)
    clock.advance(days=8)
    sweep(services)
    assert services.jobs.get(tenant, job.execution_id) is None
    assert list(services.jobs.history(tenant)) == []
    blob = services.storage.blob_service.get_blob_client("data-processed", job.output_blob or "")
    assert not blob.exists()
