"""What the API shows: request bodies and answers as camelCase pydantic models."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from shared.jobs import Job
from shared.pipeline.validation import DeclaredFile
from shared.states import JobStatus

__all__ = [
    "BulkDeleteRequest",
    "ExecutionStatus",
    "JobRequest",
    "UploadRequest",
    "status_view",
]


class _Camel(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)


class UploadRequest(_Camel):
    """POST /tools/{tool}/uploads/: one file (filename, size) or several (files)."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid")
    filename: str | None = Field(None, min_length=1, max_length=255)
    size: int | None = Field(None, ge=0)
    content_type: str | None = None
    files: list[DeclaredFile] | None = None
    parameters: dict[str, Any] | None = None

    def declared(self) -> list[DeclaredFile]:
        if self.files is not None:
            return self.files
        if self.filename is None or self.size is None:
            raise ValueError("give filename and size, or files: [{filename, size}]")
        return [DeclaredFile(filename=self.filename, size=self.size)]


class JobRequest(_Camel):
    """POST /tools/{tool}/jobs/ and the parameters of /run/."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid")
    parameters: dict[str, Any] | None = None


class BulkDeleteRequest(BaseModel):
    execution_ids: list[str] = Field(max_length=100)


class ExecutionStatus(_Camel):
    execution_id: str
    tool_name: str
    status: JobStatus
    progress: float
    current_step: str | None
    input_filename: str | None
    input_filenames: list[str]
    output_filename: str | None
    input_size: int | None
    output_size: int | None
    compression_ratio: float | None
    processing_time: float | None
    created_at: datetime
    started_at: datetime | None
    completed_at: datetime | None
    expires_at: datetime | None
    download_url: str | None
    error: str | None
    error_code: str | None
    parameters: dict[str, Any]


def status_view(job: Job, *, api_base: str) -> dict[str, Any]:
    download = (
        f"{api_base}/v1/executions/{job.execution_id}/download/"
        if job.status == JobStatus.COMPLETED
        else None
    )
    view = ExecutionStatus(
        execution_id=job.execution_id,
        tool_name=job.tool,
        status=job.status,
        progress=job.progress,
        current_step=job.current_step,
        input_filename=job.input_filename,
        input_filenames=[f.filename for f in job.inputs],
        output_filename=job.output_filename,
        input_size=job.input_size,
        output_size=job.output_size,
        compression_ratio=job.compression_ratio,
        processing_time=job.processing_time,
        created_at=job.created_at,
        started_at=job.started_at,
        completed_at=job.completed_at,
        expires_at=job.expires_at if job.status != JobStatus.PENDING else job.upload_expires_at,
        download_url=download,
        error=job.error,
        error_code=job.error_code,
        parameters=job.parameters,
    )
    return view.model_dump(mode="json", by_alias=True)
