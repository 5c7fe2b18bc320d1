"""Worker processes: start N, restart any that dies, stop them all on exit."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

__all__ = ["Supervisor"]

logger = logging.getLogger(__name__)


class Supervisor:
    def __init__(self, app_dir: Path, count: int) -> None:
        self.app_dir, self.count = app_dir, count
        self.processes: list[subprocess.Popen[bytes] | None] = [None] * count
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True, name="supervisor")

    def _spawn(self, index: int) -> None:
        command = [sys.executable, "-m", "devhost.worker", "--app-dir", str(self.app_dir)]
        self.processes[index] = subprocess.Popen([*command, "--index", str(index)])

    def start(self) -> None:
        for index in range(self.count):
            self._spawn(index)
        self._thread.start()

    def _watch(self) -> None:
        while not self._stop.wait(1.0):
            for index, process in enumerate(self.processes):
                if process is not None and process.poll() is not None and not self._stop.is_set():
                    logger.error("worker %d exited with %s: restarting", index, process.returncode)
                    time.sleep(1.0)
                    self._spawn(index)

    def stop(self, timeout: float = 20.0) -> None:
        self._stop.set()
        live = [p for p in self.processes if p is not None and p.poll() is None]
        for process in live:
            process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + timeout
        for process in live:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.kill(process.pid, signal.SIGKILL)
                process.wait()
