"""Checks on uploads: before the SAS is issued (name, declared size, count) and after the
blob arrived (real size, content by magic bytes, reading only the first bytes)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, Field

from processors.base import Tool
from processors.formats import SNIFF_BYTES, FileKind
from shared.errors import BadRequestError, PermanentError, TooLargeError, UnsupportedTypeError

__all__ = ["DeclaredFile", "check_arrival", "check_declared_files"]


class DeclaredFile(BaseModel):
    filename: str = Field(min_length=1, max_length=255)
    size: int = Field(ge=0)


def accepted_extensions(tool: Tool[Any]) -> list[str]:
    return sorted({ext for k in tool.input_kinds for ext in k.extensions})


def check_declared_files(
    tool: Tool[Any], files: Sequence[DeclaredFile], *, max_upload_bytes: int
) -> None:
    """Raise the API error a client should see for these declared files, or return."""
    if not tool.takes_files:
        raise BadRequestError(
            f"Tool {tool.name} takes no file: POST /api/v1/tools/{tool.name}/jobs/ instead",
            code="no_files_expected",
        )
    if not tool.min_files <= len(files) <= tool.max_files:
        expected = (
            str(tool.min_files)
            if tool.min_files == tool.max_files
            else f"{tool.min_files} to {tool.max_files}"
        )
        raise BadRequestError(
            f"Tool {tool.name} takes {expected} file(s), got {len(files)}", code="file_count"
        )
    limit = min(tool.max_file_size, max_upload_bytes)
    for declared in files:
        if _has_path(declared.filename):
            raise BadRequestError(
                f"{declared.filename!r}: a filename must be a plain name, without folders "
                "(/ or \\) or ..",
                code="bad_filename",
            )
        if not tool.extension_allowed(declared.filename):
            raise UnsupportedTypeError(
                f"{declared.filename}: type not accepted by {tool.name}",
                details={"accepted": accepted_extensions(tool)},
            )
        if declared.size > limit:
            raise TooLargeError(
                f"{declared.filename} is {declared.size} bytes; the limit is {limit} bytes",
                details={"maxFileSize": limit},
            )
        if declared.size == 0:
            raise BadRequestError(f"{declared.filename} is empty", code="empty_file")


def _has_path(filename: str) -> bool:
    """`../../etc/passwd.jpg` and `C:\\x\\a.jpg` are refused rather than silently renamed."""
    name = filename.strip()
    return "/" in name or "\\" in name or name in (".", "..") or "\x00" in name


def check_arrival(
    tool: Tool[Any], filename: str, head: bytes, *, actual_size: int, limit: int
) -> FileKind:
    """The uploaded file's kind; PermanentError with a readable reason when it is refused."""
    if actual_size > min(limit, tool.max_file_size):
        raise PermanentError(
            f"{filename} is {actual_size} bytes; the limit is "
            f"{min(limit, tool.max_file_size)} bytes",
            code="too_large",
        )
    matched = tool.match_input(filename, head[:SNIFF_BYTES])
    if matched is None:
        raise PermanentError(
            f"{filename}: the content does not match an accepted type "
            f"({', '.join(k.name for k in tool.input_kinds)})",
            code="unsupported_type",
        )
    return matched
