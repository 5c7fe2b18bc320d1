"""One set of storage clients per process, from the AzureWebJobsStorage connection string."""

from __future__ import annotations

import base64
import os
import urllib.request
from functools import cache

import requests
from azure.core.pipeline.transport import RequestsTransport
from azure.storage.blob import BlobServiceClient
from azure.storage.queue import QueueServiceClient

__all__ = ["blob_service", "connection_string", "encode_message", "queue_service", "transport"]

HOSTS_CONTAINER = "azure-webjobs-hosts"


def connection_string() -> str:
    value = os.environ.get("AzureWebJobsStorage", "")  # noqa: SIM112
    if not value:
        raise RuntimeError("AzureWebJobsStorage is not set")
    return value


def transport() -> RequestsTransport:
    # Every listener thread shares these clients: the default pool of 10 connections would
    # be discarded and reopened all the time.
    session = requests.Session()
    # requests re-reads the proxy variables from the whole os.environ on every call when it
    # trusts the environment (a fifth of the CPU of an empty poll): only when a proxy is set.
    # A CA bundle set there, which requests would honour, is read once here.
    session.trust_env = bool(urllib.request.getproxies())
    adapter = requests.adapters.HTTPAdapter(pool_connections=4, pool_maxsize=64)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    bundle = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE")
    return RequestsTransport(
        session=session, session_owner=False, **({"connection_verify": bundle} if bundle else {})
    )


@cache
def blob_service() -> BlobServiceClient:
    return BlobServiceClient.from_connection_string(connection_string(), transport=transport())


@cache
def queue_service() -> QueueServiceClient:
    return QueueServiceClient.from_connection_string(connection_string(), transport=transport())


def encode_message(body: bytes | str, encoding: str) -> str:
    """A queue message body as the host writes it (base64 unless messageEncoding is none)."""
    raw = body.encode("utf-8") if isinstance(body, str) else body
    if encoding == "none":
        return raw.decode("utf-8")
    return base64.b64encode(raw).decode("ascii")
