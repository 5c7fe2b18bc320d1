"""What the API shows: request bodies and answers as camelCase pydantic models (the status
object itself lives in shared.status: webhook events carry it too)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from shared.pipeline.validation import DeclaredFile
from shared.status import ExecutionStatus, status_view

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
    webhook_url: str | None = Field(None, max_length=2048)

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
    webhook_url: str | None = Field(None, max_length=2048)


class BulkDeleteRequest(BaseModel):
    execution_ids: list[str] = Field(max_length=100)
