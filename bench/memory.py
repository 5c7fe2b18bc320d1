"""Peak resident memory of a process, as the kernel keeps it for its address space."""

from __future__ import annotations

from pathlib import Path

__all__ = ["peak_rss_mb"]


def peak_rss_mb(pid: int | str = "self") -> float:
    """VmHWM: the peak RSS of the process's current address space. Unlike getrusage's
    ru_maxrss it starts afresh at exec, so a spawned process does not inherit the peak of
    the (perhaps much larger) process it was forked from."""
    status = Path(f"/proc/{pid}/status").read_text()
    return int(next(x for x in status.splitlines() if x.startswith("VmHWM:")).split()[1]) / 1024
