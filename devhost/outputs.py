"""Output bindings (queue, blob, table), written after the function returns, as the host does.

A missing queue, container or table is created and the write retried. Queue values: str,
bytes/bytearray, `func.QueueMessage` (its body), JSON-able values, or a list of them (one
message each). Blob values: str, bytes/bytearray, or anything with read(). Table values: an
entity (JSON text or dict) or a list of them; PartitionKey/RowKey default to the binding's;
an entity is added (a conflict fails the invocation), `"ETag": "*"` upserts it, another ETag
replaces it only if unchanged — the Tables extension's rules.
"""

from __future__ import annotations

import contextlib
import json
import logging
from typing import Any

import azure.functions as func
from azure.core import MatchConditions
from azure.core.exceptions import ResourceExistsError, ResourceNotFoundError
from azure.data.tables import TableTransactionError, UpdateMode

from devhost.app_loader import FunctionSpec
from devhost.connections import storage_for
from devhost.expressions import expand
from devhost.notify import announce_queue
from devhost.storage import encode_message

__all__ = ["write_output"]

logger = logging.getLogger(__name__)


def _message_text(item: Any) -> str | bytes:
    if isinstance(item, func.QueueMessage):
        return item.get_body()
    if isinstance(item, str | bytes):
        return item
    if isinstance(item, bytearray):
        return bytes(item)
    return json.dumps(item)


def _write_queue(binding: dict[str, Any], value: Any, name: str, encoding: str) -> None:
    queue = storage_for(binding.get("connection")).queue.get_queue_client(name)
    items = value if isinstance(value, list | tuple) else [value]
    for item in items:
        text = encode_message(_message_text(item), encoding)
        try:
            queue.send_message(text)
        except ResourceNotFoundError:
            with contextlib.suppress(ResourceExistsError):
                queue.create_queue()
            queue.send_message(text)
    announce_queue(name)


def _write_blob(binding: dict[str, Any], value: Any, path: str) -> None:
    container, _, name = path.partition("/")
    data = value.read() if hasattr(value, "read") else value
    if isinstance(data, bytearray):
        data = bytes(data)
    client = storage_for(binding.get("connection")).blob.get_blob_client(container, name)
    try:
        client.upload_blob(data, overwrite=True)
    except ResourceNotFoundError:
        with contextlib.suppress(ResourceExistsError):
            storage_for(binding.get("connection")).blob.create_container(container)
        client.upload_blob(data, overwrite=True)


def _entities(value: Any) -> list[dict[str, Any]]:
    if isinstance(value, str | bytes | bytearray):
        value = json.loads(value)
    items = value if isinstance(value, list) else [value]
    if not all(isinstance(item, dict) for item in items):
        raise TypeError("a table output value must be an entity (JSON object) or a list of them")
    return [dict(item) for item in items]


def _write_table(binding: dict[str, Any], value: Any, data: dict[str, Any], spec: str) -> None:
    table = storage_for(binding.get("connection")).table.get_table_client(
        expand(binding["tableName"], data, function=spec)
    )
    for entity in _entities(value):
        for key, field in (("PartitionKey", "partitionKey"), ("RowKey", "rowKey")):
            if not entity.get(key) and binding.get(field):
                entity[key] = expand(binding[field], data, function=spec)
            if not isinstance(entity.get(key), str):
                raise ValueError(f"table output entity has no {key}")
        etag = entity.pop("ETag", None) or entity.pop("etag", None)
        entity.pop("Timestamp", None)

        def write(entity: dict[str, Any] = entity, etag: Any = etag) -> None:
            if not etag:
                table.create_entity(entity)
            elif etag == "*":
                table.upsert_entity(entity, mode=UpdateMode.REPLACE)
            else:
                table.update_entity(
                    entity, mode=UpdateMode.REPLACE, etag=etag,
                    match_condition=MatchConditions.IfNotModified,
                )  # fmt: skip

        try:
            write()
        except (ResourceNotFoundError, TableTransactionError) as exc:
            if getattr(exc, "error_code", None) not in ("TableNotFound", "ResourceNotFound", None):
                raise
            with contextlib.suppress(ResourceExistsError):
                table.create_table()
            write()


def write_output(
    spec: FunctionSpec, binding: dict[str, Any], value: Any, data: dict[str, Any], encoding: str
) -> None:
    """Write one output binding's value (None writes nothing)."""
    if value is None:
        return
    kind = binding["type"]
    if kind == "queue":
        name = expand(binding["queueName"], data, function=spec.name)
        _write_queue(binding, value, name, encoding)
    elif kind == "blob":
        _write_blob(binding, value, expand(binding["path"], data, function=spec.name))
    elif kind == "table":
        _write_table(binding, value, data, spec.name)
    else:  # refused at start (the function is disabled); kept for safety
        raise TypeError(f"output binding type {kind} is not emulated by devhost")
