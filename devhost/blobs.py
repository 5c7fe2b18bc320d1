"""Blob triggers (default and source="EventGrid"): poll the container, fire once per version.

A receipt blob `blobreceipts/<hostId>/<function>/<etag>/<container>/<blob>` in
azure-webjobs-hosts is leased by the worker that runs a blob version (so exactly one does)
and records the outcome in its metadata; a restart therefore never fires a version again.
Failures are retried on the next polls; after MAX_ATTEMPTS a message goes to
`webjobs-blobtrigger-poison`.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import threading
import typing
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import azure.functions as func
from azure.core.exceptions import ResourceExistsError
from azure.storage.blob import BlobClient, ContainerClient, StorageStreamDownloader

from devhost.app_loader import FunctionSpec
from devhost.config import HostConfig
from devhost.invoke import invoke
from devhost.leases import ensure_hosts_container, try_lease
from devhost.queues import ensure_queue
from devhost.storage import blob_service, encode_message, queue_service

__all__ = ["BlobListener", "blob_value", "path_pattern"]

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 5
POISON_QUEUE = "webjobs-blobtrigger-poison"


def path_pattern(path: str) -> tuple[str, str, re.Pattern[str]]:
    """'uploads/{folder}/{name}' → ('uploads', 'literal prefix', regex with named groups)."""
    container, _, rest = path.partition("/")
    parts = re.split(r"(\{\w+\})", rest)
    names = [p for p in parts if p.startswith("{")]
    regex = ""
    for part in parts:
        if part.startswith("{"):
            last = part == names[-1]
            regex += f"(?P<{part[1:-1]}>.+)" if last else f"(?P<{part[1:-1]}>[^/]+)"
        else:
            regex += re.escape(part)
    prefix = parts[0] if parts else ""
    return container, prefix, re.compile(regex or ".+")


def _annotation(spec: FunctionSpec) -> Any:
    name = spec.trigger["name"]
    try:
        return typing.get_type_hints(spec.callable).get(name)
    except Exception:
        return None


def blob_value(spec: FunctionSpec, container: str, name: str) -> tuple[Any, dict[str, str]]:
    """The trigger argument (SDK type or InputStream) and the path's name bindings."""
    _, _, pattern = path_pattern(spec.trigger["path"])
    match = pattern.fullmatch(name)
    metadata = dict(match.groupdict()) if match else {}
    metadata.setdefault("name", name)
    client = blob_service().get_blob_client(container, name)
    kind = _annotation(spec)
    if isinstance(kind, type) and issubclass(kind, BlobClient):
        return client, metadata
    if isinstance(kind, type) and issubclass(kind, ContainerClient):
        return blob_service().get_container_client(container), metadata
    if isinstance(kind, type) and issubclass(kind, StorageStreamDownloader):
        return client.download_blob(), metadata
    data = client.download_blob().readall()  # InputStream holds the whole blob in memory
    stream = func.blob.InputStream(
        data=data, name=f"{container}/{name}", uri=client.url, length=len(data)
    )
    return stream, metadata


class BlobListener:
    def __init__(self, spec: FunctionSpec, config: HostConfig, stop: threading.Event) -> None:
        self.spec, self.config, self.stop = spec, config, stop
        self.container, self.prefix, self.pattern = path_pattern(spec.trigger["path"])
        self.interval = float(os.environ.get("DEVHOST_BLOB_POLL_SECONDS", "1"))
        self.done: set[tuple[str, str]] = set()  # (blob, etag) settled: no storage round-trip
        self.pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix=f"b-{self.container}")

    def run(self) -> None:
        ensure_hosts_container()
        with contextlib.suppress(ResourceExistsError):
            blob_service().create_container(self.container)
        container = blob_service().get_container_client(self.container)
        while not self.stop.is_set():
            try:
                found = [
                    (b.name, str(b.etag).strip('"'))
                    for b in container.list_blobs(name_starts_with=self.prefix or None)
                    if self.pattern.fullmatch(b.name)
                ]
                pending = [item for item in found if item not in self.done]
                list(self.pool.map(lambda item: self._try(*item), pending))
            except Exception as exc:
                logger.warning("scanning %s failed: %s", self.container, exc)
            self.stop.wait(self.interval)
        self.pool.shutdown(wait=True)

    def _try(self, name: str, etag: str) -> None:
        receipt = (
            f"blobreceipts/{self.config.host_id}/{self.spec.name}/{etag}/{self.container}/{name}"
        )
        lease = try_lease(receipt)
        if lease is None:  # another worker runs it now
            return
        try:
            meta = lease.blob.get_blob_properties().metadata or {}
            attempts = int(meta.get("attempts", "0"))
            if meta.get("status") in ("completed", "poisoned"):
                self.done.add((name, etag))
                return
            outcome = self._run(name, etag)
            attempts += 1
            if outcome:
                meta = {"status": "completed", "attempts": str(attempts)}
            elif attempts >= MAX_ATTEMPTS:
                self._poison(name, etag)
                meta = {"status": "poisoned", "attempts": str(attempts)}
            else:
                meta = {"status": "failed", "attempts": str(attempts)}
            lease.blob.set_blob_metadata(meta, lease=lease.id)
            if meta["status"] != "failed":
                self.done.add((name, etag))
        finally:
            lease.release()

    def _run(self, name: str, etag: str) -> bool:
        try:
            value, metadata = blob_value(self.spec, self.container, name)
            invoke(
                self.spec, value, label="blob", invocation_id=str(uuid.uuid4()), metadata=metadata
            )
            return True
        except Exception:
            logger.exception(
                "blob function %s failed on %s/%s", self.spec.name, self.container, name
            )
            return False

    def _poison(self, name: str, etag: str) -> None:
        queue = queue_service().get_queue_client(POISON_QUEUE)
        ensure_queue(queue)
        body = {
            "Type": "BlobTrigger", "FunctionId": self.spec.name, "BlobType": "BlockBlob",
            "ContainerName": self.container, "BlobName": name, "ETag": f'"{etag}"',
        }  # fmt: skip
        queue.send_message(encode_message(json.dumps(body), self.config.queues.message_encoding))
        logger.error(
            "blob %s/%s failed %d times: sent to %s",
            self.container,
            name,
            MAX_ATTEMPTS,
            POISON_QUEUE,
        )
