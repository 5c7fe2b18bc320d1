"""Run one tool in a child process: a hard timeout, a memory cap, and a native crash cannot
kill us.

Each job gets a process of its own, forked from a warm zygote (multiprocessing's fork
server, see `shared.pipeline.zygote`): the interpreter, pydantic, the catalog and libvips
are loaded once per host process, not once per job. The zygote is started by exec, not
forked from the host, so the host's threads are no hazard; if it dies, the next job starts
a new one. The child runs the tool and reports progress and the outcome over a pipe. The
parent relays progress to a callback, watches the resident memory of the child and its
own children (FFmpeg), and kills that whole tree when the timeout passes or the memory
goes over the limit.

Why a zygote and not a pool of warm worker processes (`python -m bench runner` measures
both against a fresh spawn per job; figures in BENCHMARKS.md): a fork costs ~20-30 ms per
job against ~250 ms for a spawn, while a pool saves even that but runs many jobs in one
process, so one job's leaked memory, global state or native damage reaches the next, and
a kill for timeout or memory takes the warm worker with it. A forked child keeps the
"own process per job" isolation for nearly the pool's start-up price.

    InvalidInputError in the tool  -> PermanentError(message)       job failed, no retry
    a deterministic parser failure -> PermanentError(message)       RecursionError, MuPDF format
                                                                    errors...: explain_failure
    ToolTimeoutError in the tool   -> PermanentError(message)       job failed, no retry
    timeout                        -> PermanentError("timed out")   job failed, no retry
    over the memory limit          -> PermanentError(memory_limit)  job failed, no retry
    any other exception or a crash -> TransientError                redelivered, then poison
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Sequence
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import psutil

from processors.base import MB, ProgressCallback
from processors.registry import get_tool
from shared.errors import PermanentError, TransientError

__all__ = ["ProgressCallback", "run_tool", "tool_context"]

log = logging.getLogger(__name__)

_KILL_GRACE_SECONDS = 5.0
_ZYGOTE_PRELOAD = ["__main__", "shared.pipeline.runner", "shared.pipeline.zygote"]
_context_lock = threading.Lock()
_context: Any = None
_WATCH_INTERVAL_SECONDS = 0.25
_LOADAVG = Path("/proc/loadavg")


def _child(
    connection: Connection,
    module: str,
    tool_name: str,
    inputs: list[str],
    output_dir: str,
    params: dict[str, Any],
) -> None:
    import importlib

    from processors.errors import InvalidInputError, ToolTimeoutError, explain_failure
    from processors.registry import get_tool

    os.setpgid(0, 0)  # before the tool starts anything: the whole tree shares our group
    try:
        importlib.import_module(module)  # registers the tool even if it lives outside processors/
        tool = get_tool(tool_name)
        if tool is None:
            raise InvalidInputError(f"unknown tool {tool_name}")
        parsed = tool.parse_params(params)
        output = tool.run(
            [Path(p) for p in inputs],
            Path(output_dir),
            parsed,
            lambda percent, step: connection.send(("progress", float(percent), str(step))),
        )
        connection.send(("done", str(output)))
    except InvalidInputError as exc:
        connection.send(("invalid", exc.message, type(exc).__name__))
    except ToolTimeoutError as exc:  # e.g. FFmpeg's own watchdog: a retry would time out too
        connection.send(("timeout", exc.message))
    except BaseException as exc:  # reported to the parent, which decides about retries
        explained = explain_failure(exc)  # e.g. RecursionError: the same file fails again
        if explained is not None:
            connection.send(("invalid", explained.message, type(explained).__name__))
        else:
            connection.send(("error", f"{type(exc).__name__}: {exc}"))
    finally:
        connection.close()


def tool_context() -> Any:
    """The fork-server context every job process comes from, its preload set once."""
    global _context
    with _context_lock:
        if _context is None:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(_ZYGOTE_PRELOAD)
            _context = context
        return _context


def run_tool(
    tool_name: str,
    inputs: Sequence[Path],
    output_dir: Path,
    params: dict[str, Any],
    *,
    timeout: float,
    memory_limit_mb: int | None = None,
    on_progress: ProgressCallback = lambda percent, step: None,
) -> Path:
    """The output path the tool wrote into `output_dir`; raises as the module doc says."""
    tool = get_tool(tool_name)
    if tool is None:
        raise PermanentError(f"unknown tool {tool_name}", code="unknown_tool")
    context = tool_context()
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(
        target=_child,
        args=(
            sender,
            type(tool).__module__,
            tool_name,
            [str(p) for p in inputs],
            str(output_dir),
            params,
        ),
        daemon=True,
    )
    process.start()
    sender.close()
    watched = _watch(process.pid)
    tree = _WatchedTree(watched)
    deadline = time.monotonic() + timeout
    peak = 0
    try:
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                _kill_tree(watched)
                raise PermanentError(f"timed out after {int(timeout)} s", code="timed_out")
            resident = tree.resident()
            peak = max(peak, resident)
            if memory_limit_mb is not None and resident > memory_limit_mb * MB:
                _kill_tree(watched)
                raise PermanentError(
                    f"Processing this file needs more than {memory_limit_mb} MB of memory, "
                    "the limit of one job. Try a smaller file or lighter settings.",
                    code="memory_limit",
                )
            if not receiver.poll(min(remaining, _WATCH_INTERVAL_SECONDS)):
                if not process.is_alive() and not receiver.poll(0):
                    raise TransientError(f"the tool process exited with code {process.exitcode}")
                continue
            try:
                message = receiver.recv()
            except EOFError:
                process.join(_KILL_GRACE_SECONDS)
                raise TransientError(
                    f"the tool process exited with code {process.exitcode}"
                ) from None
            if message[0] == "progress":
                on_progress(message[1], message[2])
            elif message[0] == "done":
                return Path(message[1])
            elif message[0] == "invalid":
                code = "limit_exceeded" if message[2] == "LimitExceededError" else "invalid_input"
                raise PermanentError(message[1], code=code)
            elif message[0] == "timeout":
                raise PermanentError(message[1], code="timed_out")
            else:
                raise TransientError(message[1])
    finally:
        # Sampled with the watch (every 0.25 s): what TOOL_MEMORY_MB is chosen against.
        log.info("tool %s: process tree peaked at %d MB resident", tool_name, peak // MB)
        receiver.close()
        if process.is_alive():
            process.join(0.5)
        if process.is_alive():
            _kill_tree(watched)
            process.join(_KILL_GRACE_SECONDS)


def _watch(pid: int | None) -> psutil.Process | None:
    """The job process, or None when it has already ended: the zygote, not we, reaps it, so
    a fast job can be gone before we look (psutil then also refuses a reused pid later)."""
    try:
        return psutil.Process(pid)
    except psutil.Error:
        return None


def _tree(process: psutil.Process | None) -> list[psutil.Process]:
    if process is None:
        return []
    try:
        return [process, *process.children(recursive=True)]
    except psutil.Error:  # the child has just exited
        return []


class _WatchedTree:
    """The job process and its descendants, relisted only when a process may have joined.

    psutil finds a process's children by reading every process's /proc entry (2-3 ms of
    CPU on a quiet machine, more as processes multiply; every watch tick of every job),
    while the memory of a known member is one small read. The kernel's last handed-out
    process id (Linux's /proc/loadavg) moves with every process or thread started anywhere:
    while it stays, no member can have joined, and the list is kept."""

    def __init__(self, root: psutil.Process | None) -> None:
        self.root = root
        self.members: list[psutil.Process] = []
        self.marker: bytes | None = None

    def resident(self) -> int:
        """Bytes resident in the tree's processes now."""
        marker = _last_pid()  # read before listing: a process started meanwhile moves it
        if marker is None or marker != self.marker:
            self.members, self.marker = _tree(self.root), marker
        total = 0
        for member in self.members:
            with contextlib.suppress(psutil.Error):  # it has just exited
                total += member.memory_info().rss
        return total


def _last_pid() -> bytes | None:
    """The last process id handed out in this pid namespace, or None where it is unknown."""
    try:
        return _LOADAVG.read_bytes().split()[-1]
    except (OSError, IndexError):
        return None


def _kill_tree(process: psutil.Process | None) -> None:
    """The child and whatever it started (an FFmpeg would otherwise run on as an orphan).

    The child leads a process group of its own, so killing the group also reaches a process
    it started after the tree was listed (under load a tool may just be starting FFmpeg)."""
    for member in reversed(_tree(process)):
        with contextlib.suppress(psutil.Error):
            member.kill()
    if process is not None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)
