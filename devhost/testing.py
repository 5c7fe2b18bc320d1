"""Run devhost as a subprocess from tests and benchmarks: `with run_devhost(app_dir, env=...)`."""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from devhost.azurite import free_port

__all__ = ["DevHost", "DevHostError", "run_devhost"]

REPO_ROOT = Path(__file__).resolve().parent.parent


class DevHostError(RuntimeError):
    """devhost did not start; the message holds the end of its log."""


@dataclass
class DevHost:
    base_url: str
    log_path: Path
    process: subprocess.Popen[bytes]
    port: int
    master_key: str = ""

    @property
    def admin_headers(self) -> dict[str, str]:
        """Headers for /admin/functions/* (the host's master key)."""
        return {"x-functions-key": self.master_key}

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


@contextmanager
def run_devhost(
    app_dir: Path,
    *,
    env: dict[str, str],
    workers: int = 1,
    port: int | None = None,
    timeout: float = 90.0,
) -> Iterator[DevHost]:
    """Start devhost for app_dir, wait until HTTP answers, stop its process group on exit.

    `env` is the whole environment of the child (pass {**os.environ, ...} to inherit); it
    should hold AzureWebJobsStorage, or devhost starts its own Azurite on 10000-10002.
    """
    port = port or free_port()
    log_dir = Path(tempfile.mkdtemp(prefix="devhost-"))
    log_path = log_dir / "devhost.log"
    child_env = dict(env)
    child_env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(REPO_ROOT), child_env.get("PYTHONPATH", "")) if p
    )
    child_env.setdefault("PYTHONUNBUFFERED", "1")
    child_env.setdefault("DEVHOST_MASTER_KEY", secrets.token_urlsafe(16))
    command = [sys.executable, "-m", "devhost", "--app-dir", str(app_dir)]
    command += ["--port", str(port), "--workers", str(workers)]
    with log_path.open("ab") as log:
        process = subprocess.Popen(
            command, cwd=app_dir, env=child_env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    host = DevHost(
        f"http://127.0.0.1:{port}", log_path, process, port, child_env["DEVHOST_MASTER_KEY"]
    )
    try:
        _wait_ready(host, timeout)
        yield host
    finally:
        _stop(process)


def _wait_ready(host: DevHost, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if host.process.poll() is not None:
            raise DevHostError(f"devhost exited ({host.process.returncode}):\n{host.log()[-4000:]}")
        try:
            if httpx.get(f"{host.base_url}/admin/host/status", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise DevHostError(f"devhost not ready after {timeout} s:\n{host.log()[-4000:]}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            pass
    # Workers share the group: make sure none outlives the test.
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()
