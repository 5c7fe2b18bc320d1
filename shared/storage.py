"""Storage clients: one per service per process, built lazily from the settings.

With a connection string (Azurite, or an account key) the SDK clients use it directly;
otherwise they use `DefaultAzureCredential` (managed identity in Azure) against the
service URIs derived from the account name.
"""

from __future__ import annotations

import os
import threading
import urllib.request
from functools import cache, cached_property
from typing import Any

from azure.data.tables import TableClient, TableServiceClient
from azure.storage.blob import BlobServiceClient
from azure.storage.queue import QueueClient, QueueServiceClient, TextBase64EncodePolicy

from shared.naming import APIKEYS_TABLE, JOBS_TABLE
from shared.settings import Settings, get_settings

__all__ = ["WHOLE_READ_BYTES", "Storage", "get_storage"]

_CHUNK = 4 * 1024 * 1024
WHOLE_READ_BYTES = 16 * 1024 * 1024
"""Blobs up to this size are read in one request by `blob_reader`: every extra request
costs a round trip whatever its size (~20 ms on Azurite for 4 MB or 8 MB alike), and
16 MB held for a moment is still a bound that does not grow with the file."""


@cache
def _transport_options() -> dict[str, Any]:
    """Options for every SDK client. requests re-reads the proxy variables from the whole
    os.environ on every call when it trusts the environment (a fifth of the CPU of an
    empty queue poll): it does only when a proxy is set, and a CA bundle set there (as
    requests would honour it) is read once here."""
    options: dict[str, Any] = {"use_env_settings": bool(urllib.request.getproxies())}
    bundle = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE")
    if bundle:
        options["connection_verify"] = bundle
    return options


class Storage:
    """The storage account as this app sees it. Thread-safe; create one per process."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._queues: dict[str, QueueClient] = {}
        self._lock = threading.Lock()

    @cached_property
    def credential(self) -> Any:
        if not self.settings.uses_identity:
            return None
        from azure.identity import DefaultAzureCredential

        return DefaultAzureCredential(managed_identity_client_id=self.settings.storage_client_id)

    def _uri(self, explicit: str | None, service: str) -> str:
        return (
            explicit or f"https://{self.settings.storage_account_name}.{service}.core.windows.net"
        )

    @cached_property
    def blob_service(self) -> BlobServiceClient:
        # Small single-shot and chunk sizes keep memory flat: the SDK's defaults buffer up
        # to 64 MB (put) and 32 MB (first get) of a blob in memory.
        return self._blob_client(first_get=_CHUNK)

    @cached_property
    def blob_reader(self) -> BlobServiceClient:
        """For downloads of blobs known to be at most WHOLE_READ_BYTES: one GET, not one
        per 4 MB. Larger blobs go through `blob_service`, whose memory stays flat."""
        return self._blob_client(first_get=WHOLE_READ_BYTES)

    def _blob_client(self, *, first_get: int) -> BlobServiceClient:
        limits: dict[str, Any] = {
            **_transport_options(),
            "max_single_put_size": _CHUNK,
            "max_block_size": _CHUNK,
            "max_single_get_size": first_get,
            "max_chunk_get_size": _CHUNK,
        }
        if self.settings.storage_connection_string:
            return BlobServiceClient.from_connection_string(
                self.settings.storage_connection_string, **limits
            )
        return BlobServiceClient(
            self._uri(self.settings.blob_service_uri, "blob"), credential=self.credential, **limits
        )

    @cached_property
    def queue_service(self) -> QueueServiceClient:
        policy = TextBase64EncodePolicy()
        if self.settings.storage_connection_string:
            return QueueServiceClient.from_connection_string(
                self.settings.storage_connection_string,
                message_encode_policy=policy,
                **_transport_options(),
            )
        return QueueServiceClient(
            self._uri(self.settings.queue_service_uri, "queue"),
            credential=self.credential,
            message_encode_policy=policy,
            **_transport_options(),
        )

    @cached_property
    def table_service(self) -> TableServiceClient:
        if self.settings.storage_connection_string:
            return TableServiceClient.from_connection_string(
                self.settings.storage_connection_string, **_transport_options()
            )
        return TableServiceClient(
            endpoint=self._uri(self.settings.table_service_uri, "table"),
            credential=self.credential,
            **_transport_options(),
        )

    def queue(self, name: str) -> QueueClient:
        """A queue client that base64-encodes messages, as the Functions host expects."""
        with self._lock:
            client = self._queues.get(name)
            if client is None:
                client = self.queue_service.get_queue_client(
                    name, message_encode_policy=TextBase64EncodePolicy()
                )
                self._queues[name] = client
            return client

    @cached_property
    def jobs_table(self) -> TableClient:
        return self.table_service.get_table_client(JOBS_TABLE)

    @cached_property
    def apikeys_table(self) -> TableClient:
        return self.table_service.get_table_client(APIKEYS_TABLE)

    @property
    def account_name(self) -> str:
        return str(self.blob_service.account_name)


_storage: Storage | None = None
_storage_lock = threading.Lock()


def get_storage() -> Storage:
    global _storage
    with _storage_lock:
        if _storage is None:
            _storage = Storage(get_settings())
        return _storage
