"""`connection=` names → storage clients, resolved from app settings as the Functions host does.

A binding's `connection` names an app setting (empty means `AzureWebJobsStorage`). The host
looks for `NAME`, then `AzureWebJobsNAME`; the value is a connection string, or the setting
is a section of identity-based settings: `NAME__accountName`, `NAME__serviceUri` /
`NAME__blobServiceUri` / `NAME__queueServiceUri` / `NAME__tableServiceUri` (then a token
credential is used: `NAME__credential=managedidentity` + `NAME__clientId`, or
DefaultAzureCredential).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from azure.data.tables import TableServiceClient
from azure.storage.blob import BlobServiceClient
from azure.storage.queue import QueueServiceClient

__all__ = ["Connection", "ConnectionSettingError", "resolve_connection", "storage_for"]

DEFAULT = "AzureWebJobsStorage"
SERVICES = ("blob", "queue", "table")


class ConnectionSettingError(RuntimeError):
    """A `connection` setting is missing or unusable; the message names the setting."""


@dataclass(frozen=True)
class Connection:
    name: str  # the setting actually used, e.g. AzureWebJobsStorage
    connection_string: str | None = None
    service_uris: tuple[tuple[str, str], ...] = ()
    client_id: str | None = None

    def uri(self, service: str) -> str:
        uri = dict(self.service_uris).get(service)
        if uri is None:
            raise ConnectionSettingError(f"connection '{self.name}' has no {service} service URI")
        return uri


def _section(name: str, environ: Mapping[str, str]) -> dict[str, str]:
    prefix = f"{name}__".lower()
    return {k[len(prefix) :].lower(): v for k, v in environ.items() if k.lower().startswith(prefix)}


def resolve_connection(name: str | None, environ: Mapping[str, str] | None = None) -> Connection:
    """The connection a binding's `connection` value names; raises naming the missing setting."""
    env = os.environ if environ is None else environ
    wanted = (name or "").strip() or DEFAULT
    for candidate in (wanted, f"AzureWebJobs{wanted}"):
        value = env.get(candidate, "").strip()
        if value:
            if value.lower() == "usedevelopmentstorage=true":
                value = env.get(DEFAULT, value)
            return Connection(candidate, connection_string=value)
        section = _section(candidate, env)
        if section:
            uris: dict[str, str] = {}
            account = section.get("accountname")
            for service in SERVICES:
                uri = section.get(f"{service}serviceuri") or section.get("serviceuri")
                if uri is None and account:
                    uri = f"https://{account}.{service}.core.windows.net"
                if uri:
                    uris[service] = uri.rstrip("/")
            if not uris:
                raise ConnectionSettingError(
                    f"connection '{wanted}': setting {candidate}__* has neither accountName "
                    "nor a serviceUri"
                )
            return Connection(
                candidate, service_uris=tuple(uris.items()), client_id=section.get("clientid")
            )
    raise ConnectionSettingError(
        f"connection '{wanted}': no app setting '{wanted}' or 'AzureWebJobs{wanted}' "
        f"(nor '{wanted}__accountName' / '{wanted}__serviceUri')"
    )


def _credential(connection: Connection) -> Any:
    from azure.identity import DefaultAzureCredential, ManagedIdentityCredential

    if connection.client_id:
        return ManagedIdentityCredential(client_id=connection.client_id)
    return DefaultAzureCredential()


class Storage:
    """Blob, queue and table service clients of one connection, built on first use."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    @property
    def blob(self) -> BlobServiceClient:
        return _blob(self.connection)

    @property
    def queue(self) -> QueueServiceClient:
        return _queue(self.connection)

    @property
    def table(self) -> TableServiceClient:
        return _table(self.connection)


@cache
def _blob(connection: Connection) -> BlobServiceClient:
    from devhost.storage import blob_service, transport

    if connection.connection_string:
        if connection.name == DEFAULT:
            return blob_service()
        return BlobServiceClient.from_connection_string(
            connection.connection_string, transport=transport()
        )
    return BlobServiceClient(
        connection.uri("blob"), credential=_credential(connection), transport=transport()
    )


@cache
def _queue(connection: Connection) -> QueueServiceClient:
    from devhost.storage import queue_service, transport

    if connection.connection_string:
        if connection.name == DEFAULT:
            return queue_service()
        return QueueServiceClient.from_connection_string(
            connection.connection_string, transport=transport()
        )
    return QueueServiceClient(
        connection.uri("queue"), credential=_credential(connection), transport=transport()
    )


@cache
def _table(connection: Connection) -> TableServiceClient:
    from devhost.storage import transport

    if connection.connection_string:
        return TableServiceClient.from_connection_string(
            connection.connection_string, transport=transport()
        )
    return TableServiceClient(
        endpoint=connection.uri("table"), credential=_credential(connection), transport=transport()
    )


@cache
def storage_for(name: str | None) -> Storage:
    """The clients for a binding's `connection` value (cached per process)."""
    return Storage(resolve_connection(name))
