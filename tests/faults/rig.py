"""A rig for fault tests: an Azurite of its own that keeps its data on disk (so it can be
killed and started again on the same data and ports), devhost with the product app on it,
and jobs submitted the way any client does (create, SAS upload) and judged at the end.

The jobs are base64 encodings of distinct content: a completed job's output is checkable
byte for byte, so a half-written or mixed-up output cannot pass.
"""

from __future__ import annotations

import base64
import os
import signal
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import psutil
from azure.storage.blob import BlobClient

from devhost.azurite import Azurite, free_port, start_azurite
from shared.context import Services
from shared.settings import Settings
from tests.support import REPO_ROOT, product_devhost_env

FINAL = ("completed", "failed")
TOOL = "base64-codec"
HOLD_SECONDS = 4
"""How long a received message stays invisible (renewed at half of it while it runs): a
killed worker's message is delivered again this long after the kill."""


class PersistentAzurite:
    """Azurite with --location on fixed ports: `kill()` and `start()` keep the data."""

    def __init__(self, location: Path) -> None:
        self.location = location
        self.ports = (free_port(), free_port(), free_port())
        self.instance: Azurite = self.start()

    def start(self) -> Azurite:
        self.instance = start_azurite(location=self.location, ports=self.ports)
        return self.instance

    @property
    def connection_string(self) -> str:
        return self.instance.connection_string

    def stop(self, sig: signal.Signals = signal.SIGTERM) -> None:
        process = self.instance.process
        assert process is not None
        if process.poll() is None:
            os.killpg(process.pid, sig)
            process.wait(timeout=30)

    def close(self) -> None:
        self.instance.stop()


@dataclass
class Job:
    execution_id: str
    data: bytes
    status: dict[str, Any] = field(default_factory=dict)


class Jobs:
    """Submit base64 jobs through the API for one tenant, wait for them, judge them."""

    def __init__(self, base_url: str, services: Services) -> None:
        self.services = services
        self.tenant = f"fault{uuid.uuid4().hex[:8]}"
        key, _ = services.keys.create(self.tenant)
        self.http = httpx.Client(
            base_url=f"{base_url}/api", headers={"X-API-Key": key}, timeout=120.0
        )
        self.jobs: list[Job] = []

    def submit(self, count: int) -> list[Job]:
        made = []
        for _ in range(count):
            n = len(self.jobs)
            data = f"job {n} {uuid.uuid4().hex} ".encode() * (20000 + 37 * n)
            created = self.http.post(
                f"/v1/tools/{TOOL}/uploads/",
                json={"filename": f"in{n}.bin", "size": len(data)},
            )
            assert created.status_code == 201, created.text
            body = created.json()
            BlobClient.from_blob_url(body["upload"]["url"]).upload_blob(data, overwrite=True)
            job = Job(body["executionId"], data)
            self.jobs.append(job)
            made.append(job)
        return made

    def refresh(self) -> None:
        for job in self.jobs:
            if job.status.get("status") not in FINAL:
                answer = self.http.get(f"/v1/executions/{job.execution_id}/status/")
                assert answer.status_code == 200, answer.text
                job.status = answer.json()

    def stored(self, status: str) -> int:
        """How many of these jobs the table holds in `status` now (no API round trip)."""
        found = self.services.storage.jobs_table.query_entities(
            "PartitionKey eq @t and status eq @s",
            parameters={"t": self.tenant, "s": status},
            select=["RowKey"],
        )
        return sum(1 for _ in found)

    def running(self) -> bool:
        """Whether any of these jobs is `processing` now (downloading, running, storing)."""
        return self.stored("processing") > 0

    def count(self, status: str) -> int:
        return sum(1 for job in self.jobs if job.status.get("status") == status)

    def wait_final(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while True:
            self.refresh()
            left = [j for j in self.jobs if j.status.get("status") not in FINAL]
            if not left:
                return
            assert time.monotonic() < deadline, (
                f"{len(left)} of {len(self.jobs)} jobs not final: "
                + ", ".join(f"{j.execution_id} {j.status.get('status')}" for j in left[:5])
            )
            time.sleep(0.5)

    def judge(self) -> dict[str, int]:
        """Every job final; a completed one has exactly one output blob, the right bytes;
        no upload is left behind. Returns the count of each final status."""
        blobs = self.services.storage.blob_service
        processed = blobs.get_container_client("data-processed")
        uploads = blobs.get_container_client("data-uploads")
        outcome: dict[str, int] = {}
        for job in self.jobs:
            status = job.status["status"]
            outcome[status] = outcome.get(status, 0) + 1
            prefix = f"{self.tenant}/{job.execution_id}"
            outputs = [b.name for b in processed.list_blobs(name_starts_with=prefix)]
            if status == "completed":
                assert len(outputs) == 1, (job.execution_id, outputs)
                stored = processed.download_blob(outputs[0]).readall()
                assert stored == base64.b64encode(job.data), f"{job.execution_id}: wrong output"
                assert job.status["outputSize"] == len(stored)
            else:
                message = job.status.get("error") or ""
                assert message and "Traceback" not in message, job.status
                assert outputs == [], (job.execution_id, outputs)
            _eventually_empty(uploads, prefix)
        return outcome

    def close(self) -> None:
        self.http.close()


def _eventually_empty(container: Any, prefix: str) -> None:
    """The uploads are deleted right after the final status write: allow them a moment."""
    deadline = time.monotonic() + 15
    while left := [b.name for b in container.list_blobs(name_starts_with=prefix)]:
        assert time.monotonic() < deadline, f"uploads left behind: {left}"
        time.sleep(0.3)


def worker_processes(host: Any) -> list[psutil.Process]:
    """devhost's worker processes (each runs the queue, blob and timer listeners)."""
    found = []
    for child in psutil.Process(host.process.pid).children():
        try:  # a killed worker is a zombie until devhost reaps it
            if child.status() != psutil.STATUS_ZOMBIE and "devhost.worker" in child.cmdline():
                found.append(child)
        except psutil.Error:
            continue
    return found


def running_a_tool(worker: psutil.Process) -> bool:
    """Whether the worker runs a tool now: its zygote (a child) has a child of its own."""
    try:
        return any(p.ppid() != worker.pid for p in worker.children(recursive=True))
    except psutil.Error:
        return False


@contextmanager
def product_devhost(connection_string: str, *, workers: int = 2) -> Iterator[Any]:
    from devhost.testing import run_devhost

    env = product_devhost_env(
        connection_string,
        DEVHOST_QUEUE_VISIBILITY_HOLD=str(HOLD_SECONDS),
    )
    with run_devhost(REPO_ROOT, env=env, workers=workers) as host:
        yield host


def services_for(connection_string: str) -> Services:
    return Services(Settings(storage_connection_string=connection_string))
