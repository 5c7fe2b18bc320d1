"""Blob triggers fire once per blob version across restarts; timers and past_due."""

from __future__ import annotations

import base64
import contextlib
import json
import time
import uuid
from typing import Any

import pytest
from azure.core.exceptions import ResourceExistsError, ResourceNotFoundError
from azure.storage.blob import BlobServiceClient, ContainerClient
from azure.storage.queue import QueueClient

from tests.integration.devhost.conftest import APPS, host_env, read_results, wait_for

pytestmark = pytest.mark.integration


def test_blob_once_per_version_across_restart_and_timer_past_due(
    storage_connection_string: str, results: ContainerClient
) -> None:
    from devhost.testing import run_devhost

    service = BlobServiceClient.from_connection_string(storage_connection_string)
    watched = service.get_container_client("dh-watched")
    if not watched.exists():
        watched.create_container()
    name = f"in/{uuid.uuid4().hex}.txt"
    prefix = f"blob/{name}/"
    env = host_env(storage_connection_string)

    with run_devhost(APPS / "lifecycle", env=env, workers=2):
        watched.upload_blob(name, b"version one")
        first = wait_for(lambda: read_results(results, prefix), what="blob trigger")
        wait_for(lambda: read_results(results, "timer/"), what="timer tick")
        time.sleep(2)  # several scans by both workers: still one run
        assert len(read_results(results, prefix)) == 1
    (record,) = first.values()
    assert record["type"] == "BlobClient"
    assert record["content"] == "version one"
    ticks = read_results(results, "timer/")
    assert not any(r["past_due"] for r in ticks.values())
    assert len({r["pid"] for r in ticks.values()}) == 1  # one worker holds the timer lock
    ticks_before = set(ticks)

    time.sleep(3)  # downtime longer than the 2 s schedule
    with run_devhost(APPS / "lifecycle", env=env, workers=2):
        late = wait_for(
            lambda: [
                r
                for k, r in sorted(read_results(results, "timer/").items())
                if k not in ticks_before
            ],
            what="timer after restart",
        )
        assert late[0]["past_due"] is True
        time.sleep(2)
        assert len(read_results(results, prefix)) == 1  # no second run after the restart
        watched.upload_blob(name, b"version two", overwrite=True)
        runs = wait_for(
            lambda: (r := read_results(results, prefix)) and len(r) >= 2 and r,
            what="blob trigger after overwrite",
        )
        assert sorted(r["content"] for r in runs.values()) == ["version one", "version two"]


def test_input_stream_and_blob_poison(
    storage_connection_string: str, results: ContainerClient
) -> None:
    from devhost.testing import run_devhost

    service = BlobServiceClient.from_connection_string(storage_connection_string)
    for name in ("dh-plain", "dh-bad"):
        with contextlib.suppress(ResourceExistsError):
            service.create_container(name)
    blob_name = f"{uuid.uuid4().hex}.txt"
    service.get_blob_client("dh-plain", blob_name).upload_blob(b"plain content")
    service.get_blob_client("dh-bad", blob_name).upload_blob(b"bad content")
    poison = QueueClient.from_connection_string(
        storage_connection_string, "webjobs-blobtrigger-poison"
    )

    def poisoned() -> list[dict[str, Any]]:
        with contextlib.suppress(ResourceNotFoundError):
            messages = [json.loads(base64.b64decode(m.content)) for m in poison.peek_messages(32)]
            return [m for m in messages if m["BlobName"] == blob_name]
        return []

    with run_devhost(APPS / "lifecycle", env=host_env(storage_connection_string), workers=1):
        plain = wait_for(
            lambda: [r for r in read_results(results, "plain/").values()
                     if r["path"] == f"dh-plain/{blob_name}"],
            what="InputStream function",
        )  # fmt: skip
        (message,) = wait_for(poisoned, what="blob poison message")
    assert plain[0]["content"] == "plain content"
    assert message["ContainerName"] == "dh-bad"
    assert message["FunctionId"] == "always_fails"
    assert len(read_results(results, f"bad/{blob_name}/")) == 5
