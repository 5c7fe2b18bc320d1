"""Start and stop an Azurite child process (blob, queue, table) from the npm install."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

__all__ = ["ACCOUNT_KEY", "ACCOUNT_NAME", "Azurite", "AzuriteError", "free_port", "start_azurite"]

ACCOUNT_NAME = "devstoreaccount1"
ACCOUNT_KEY = (
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
)
REPO_ROOT = Path(__file__).resolve().parent.parent


class AzuriteError(RuntimeError):
    """Azurite could not be found or did not start."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.2)
        return sock.connect_ex((host, port)) == 0


@dataclass
class Azurite:
    """A running Azurite: its ports, its connection string, and the process to stop."""

    blob_port: int
    queue_port: int
    table_port: int
    process: subprocess.Popen[bytes] | None = None

    @property
    def connection_string(self) -> str:
        return (
            "DefaultEndpointsProtocol=http;"
            f"AccountName={ACCOUNT_NAME};AccountKey={ACCOUNT_KEY};"
            f"BlobEndpoint=http://127.0.0.1:{self.blob_port}/{ACCOUNT_NAME};"
            f"QueueEndpoint=http://127.0.0.1:{self.queue_port}/{ACCOUNT_NAME};"
            f"TableEndpoint=http://127.0.0.1:{self.table_port}/{ACCOUNT_NAME};"
        )

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


def azurite_executable() -> str:
    local = REPO_ROOT / "node_modules" / ".bin" / "azurite"
    if local.exists():
        return str(local)
    found = shutil.which("azurite")
    if found is None:
        raise AzuriteError("Azurite is not installed: run `make install` (npm ci) first")
    return found


def start_azurite(
    *,
    location: Path | None = None,
    ports: tuple[int, int, int] | None = None,
    log_file: Path | None = None,
    timeout: float = 30.0,
) -> Azurite:
    """Start Azurite in its own process group; in memory unless `location` is given.

    Free ports are chosen when `ports` is None. Returns once all three services accept
    connections; raises AzuriteError with Azurite's own output when it does not start.
    """
    blob, queue, table = ports or (free_port(), free_port(), free_port())
    command = [
        azurite_executable(),
        "--blobPort", str(blob), "--queuePort", str(queue), "--tablePort", str(table),
        "--skipApiVersionCheck", "--disableTelemetry", "--loose",
    ]  # fmt: skip
    if location is None:
        command.append("--inMemoryPersistence")
    else:
        location.mkdir(parents=True, exist_ok=True)
        command += ["--location", str(location)]
    if log_file is None:
        command.append("--silent")
    output = log_file.open("ab") if log_file else subprocess.DEVNULL
    process = subprocess.Popen(
        command, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
    )
    azurite = Azurite(blob, queue, table, process)
    deadline = time.monotonic() + timeout
    while not all(port_open(p) for p in (blob, queue, table)):
        if process.poll() is not None or time.monotonic() > deadline:
            azurite.stop()
            raise AzuriteError(f"Azurite did not start on ports {blob}/{queue}/{table}")
        time.sleep(0.1)
    return azurite
