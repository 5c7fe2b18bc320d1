"""Input bindings (blob, table) and the argument a parameter's type asks for.

Blob: `func.InputStream` (the whole blob in memory, as in Azure), `str`, `bytes`, or the SDK
types (`BlobClient`, `ContainerClient`, `StorageStreamDownloader`, also from
azurefunctions-extensions-bindings-blob) which get a client and download nothing; without an
annotation `data_type` STRING/BINARY picks str/bytes. A missing blob gives None, as in Azure.
Table: with partition and row key the entity as a JSON object (None when absent), otherwise
a JSON array of the entities matching `filter`/`partitionKey`, at most `take`.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import azure.functions as func
from azure.core.exceptions import ResourceNotFoundError
from azure.storage.blob import BlobClient, ContainerClient, StorageStreamDownloader

from devhost.app_loader import FunctionSpec
from devhost.connections import storage_for
from devhost.expressions import expand

__all__ = ["blob_argument", "convert_text", "input_values", "sdk_kind"]


def sdk_kind(annotation: Any) -> str | None:
    """'blob_client' / 'container_client' / 'downloader' for the SDK types, else None."""
    if not isinstance(annotation, type):
        return None
    for base, kind in (
        (BlobClient, "blob_client"),
        (ContainerClient, "container_client"),
        (StorageStreamDownloader, "downloader"),
    ):
        if issubclass(annotation, base):
            return kind
    name = annotation.__name__  # the extension's own wrapper types
    if annotation.__module__.startswith("azurefunctions.extensions.bindings.blob"):
        return {"BlobClient": "blob_client", "ContainerClient": "container_client"}.get(
            name, "downloader" if name == "StorageStreamDownloader" else None
        )
    return None


def convert_text(data: bytes, annotation: Any, data_type: str | None) -> Any:
    """str/bytes as the parameter (or data_type) asks; None when neither does."""
    if annotation is str or (annotation is None and (data_type or "").lower() == "string"):
        return data.decode("utf-8")
    if annotation in (bytes, bytearray) or (
        annotation is None and (data_type or "").lower() == "binary"
    ):
        return data
    return None


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def blob_properties(props: Any) -> dict[str, Any]:
    """BlobProperties in the names the host's trigger metadata uses."""
    settings = props.content_settings
    return {
        "BlobType": str(getattr(props.blob_type, "value", props.blob_type)),
        "ContentLength": props.size,
        "Length": props.size,
        "ContentType": settings.content_type,
        "ContentEncoding": settings.content_encoding,
        "ContentLanguage": settings.content_language,
        "ContentDisposition": settings.content_disposition,
        "CacheControl": settings.cache_control,
        "ContentMD5": settings.content_md5.hex() if settings.content_md5 else None,
        "ETag": props.etag,
        "LastModified": _iso(props.last_modified),
        "CreatedOn": _iso(props.creation_time),
    }


def blob_argument(
    spec: FunctionSpec, binding: dict[str, Any], container: str, name: str, *, trigger: bool
) -> Any:
    """The value for one blob parameter (trigger or input) of `container/name`."""
    storage = storage_for(binding.get("connection"))
    annotation = spec.annotation(binding["name"])
    kind = sdk_kind(annotation)
    if kind == "container_client":
        return storage.blob.get_container_client(container)
    client = storage.blob.get_blob_client(container, name)
    if kind == "blob_client":
        return client
    try:
        if kind == "downloader":
            return client.download_blob()
        downloader = client.download_blob()
    except ResourceNotFoundError:
        if trigger:
            raise
        return None
    data = downloader.readall()  # InputStream holds the whole blob in memory, as in Azure
    converted = convert_text(data, annotation, binding.get("dataType"))
    if converted is not None:
        return converted
    props = downloader.properties
    return func.blob.InputStream(
        data=data, name=f"{container}/{name}", uri=client.url, length=len(data),
        blob_properties=blob_properties(props) if trigger else None,
        metadata=dict(props.metadata or {}) if trigger else None,
    )  # fmt: skip


def _table_value(spec: FunctionSpec, binding: dict[str, Any], data: dict[str, Any]) -> Any:
    table = storage_for(binding.get("connection")).table.get_table_client(
        expand(binding["tableName"], data, function=spec.name)
    )
    partition = binding.get("partitionKey")
    row = binding.get("rowKey")
    partition = expand(partition, data, function=spec.name) if partition else None
    row = expand(row, data, function=spec.name) if row else None
    if partition and row:
        try:
            entity = table.get_entity(partition, row)
        except ResourceNotFoundError:
            return None
        return json.dumps(_entity_json(entity))
    clauses = []
    if binding.get("filter"):
        clauses.append(f"({expand(binding['filter'], data, function=spec.name)})")
    if partition:
        clauses.append("PartitionKey eq '{}'".format(partition.replace("'", "''")))
    take = int(binding["take"]) if binding.get("take") else None
    query = " and ".join(clauses)
    try:
        pages = table.query_entities(query, results_per_page=take) if query else (
            table.list_entities(results_per_page=take)
        )  # fmt: skip
        entities = []
        for entity in pages:
            entities.append(_entity_json(entity))
            if take is not None and len(entities) >= take:
                break
    except ResourceNotFoundError:
        entities = []
    return json.dumps(entities)


def _entity_json(entity: Any) -> dict[str, Any]:
    body = {k: _iso(v) for k, v in entity.items()}
    meta = getattr(entity, "metadata", {}) or {}
    if meta.get("timestamp") is not None:
        body["Timestamp"] = _iso(meta["timestamp"])
    if meta.get("etag"):
        body["ETag"] = meta["etag"]
    return body


def input_values(spec: FunctionSpec, data: dict[str, Any]) -> dict[str, Any]:
    """Keyword arguments for the function's input bindings; `data` feeds {expressions}."""
    values: dict[str, Any] = {}
    for binding in spec.input_bindings:
        if binding["type"] == "blob":
            container, _, name = expand(binding["path"], data, function=spec.name).partition("/")
            values[binding["name"]] = blob_argument(spec, binding, container, name, trigger=False)
        elif binding["type"] == "table":
            values[binding["name"]] = _table_value(spec, binding, data)
    return values
