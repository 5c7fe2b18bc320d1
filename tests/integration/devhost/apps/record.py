"""Shared by the test apps: record what a function saw as a blob in container `results`."""

from __future__ import annotations

import contextlib
import json
import os
from functools import cache
from typing import Any

from azure.core.exceptions import ResourceExistsError
from azure.storage.blob import BlobServiceClient, ContainerClient


@cache
def results() -> ContainerClient:
    service = BlobServiceClient.from_connection_string(os.environ["AzureWebJobsStorage"])  # noqa: SIM112
    container = service.get_container_client("results")
    with contextlib.suppress(ResourceExistsError):
        container.create_container()
    return container


def record(name: str, **fields: Any) -> None:
    fields["pid"] = os.getpid()
    results().upload_blob(name, json.dumps(fields, default=str).encode(), overwrite=True)
