"""Names of storage things: containers, queues, tables, blobs, row keys."""

from __future__ import annotations

import re
import secrets
import uuid
from datetime import UTC, datetime
from pathlib import PurePosixPath

__all__ = [
    "APIKEYS_TABLE",
    "JOBS_TABLE",
    "WEBHOOKS_POISON_QUEUE",
    "WEBHOOKS_QUEUE",
    "WEBHOOK_SECRETS_TABLE",
    "BlobRef",
    "is_execution_id",
    "job_row_key",
    "new_execution_id",
    "output_blob_name",
    "parse_upload_blob",
    "poison_queue",
    "processed_container",
    "queue_name",
    "row_key_of",
    "safe_filename",
    "upload_blob_name",
    "uploads_container",
]

JOBS_TABLE = "jobs"
APIKEYS_TABLE = "apikeys"
WEBHOOK_SECRETS_TABLE = "webhooksecrets"
WEBHOOKS_QUEUE = "webhooks"
WEBHOOKS_POISON_QUEUE = "webhooks-poison"
_MAX_MILLIS = 10**13 - 1  # inverted epoch milliseconds stay 13 digits until year 2286

# Version 7 (new: creation time + 74 random bits) or 4 (ids issued before; still resolve).
_UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[47][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"
_UPLOAD = re.compile(
    rf"^(?P<tenant>[A-Za-z0-9_-]+)/(?P<id>{_UUID})(?:/(?P<index>\d+))?(?P<ext>\.[A-Za-z0-9]+)?$"
)


def uploads_container(category: str) -> str:
    return f"{category}-uploads"


def processed_container(category: str) -> str:
    return f"{category}-processed"


def queue_name(category: str) -> str:
    return f"{category}-jobs"


def poison_queue(category: str) -> str:
    return f"{category}-jobs-poison"


def new_execution_id(created_at: datetime | None = None) -> str:
    """A UUID version 7 (RFC 9562): the creation time in milliseconds, then 74 random bits.

    The time lets a status call address the job's row directly (`row_key_of`); the random
    bits keep the id unguessable.
    """
    millis = _millis(created_at or datetime.now(UTC))
    value = (millis << 80) | (0x7 << 76) | (secrets.randbits(12) << 64)
    value |= (0b10 << 62) | secrets.randbits(62)
    return str(uuid.UUID(int=value))


def is_execution_id(value: str) -> bool:
    return re.fullmatch(_UUID, value) is not None


def _millis(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def job_row_key(created_at: datetime, execution_id: str) -> str:
    """Newest first: inverted creation time in milliseconds, then the id."""
    return f"{_MAX_MILLIS - _millis(created_at):013d}_{execution_id}"


def row_key_of(execution_id: str) -> str | None:
    """The row key of a job whose version 7 id was made from its creation time, else None."""
    if not is_execution_id(execution_id) or execution_id[14] != "7":
        return None
    millis = int(execution_id[:8] + execution_id[9:13], 16)
    return f"{_MAX_MILLIS - millis:013d}_{execution_id}"


def _extension(filename: str) -> str:
    suffix = PurePosixPath(filename).suffix.lower()
    return suffix if re.fullmatch(r"\.[a-z0-9]{1,10}", suffix) else ""


def upload_blob_name(
    tenant: str, execution_id: str, filename: str, index: int | None = None
) -> str:
    ext = _extension(filename)
    if index is None:
        return f"{tenant}/{execution_id}{ext}"
    return f"{tenant}/{execution_id}/{index}{ext}"


def output_blob_name(tenant: str, execution_id: str, output_filename: str) -> str:
    return f"{tenant}/{execution_id}{_extension(output_filename)}"


class BlobRef:
    """What an upload blob's name says: whose job, which file of it."""

    __slots__ = ("execution_id", "index", "tenant")

    def __init__(self, tenant: str, execution_id: str, index: int | None) -> None:
        self.tenant = tenant
        self.execution_id = execution_id
        self.index = index


def parse_upload_blob(name: str) -> BlobRef | None:
    match = _UPLOAD.match(name)
    if match is None:
        return None
    index = match.group("index")
    return BlobRef(match.group("tenant"), match.group("id"), int(index) if index else None)


_UNSAFE = re.compile(r"[^A-Za-z0-9._ -]+")


def safe_filename(filename: str, *, default: str = "file") -> str:
    """A name safe for Content-Disposition: no path, no quotes or control characters."""
    base = PurePosixPath(filename.replace("\\", "/")).name
    cleaned = _UNSAFE.sub("_", base).strip(" .")
    return cleaned[:120] or default
