"""Run every benchmark module and rewrite BENCHMARKS.md with their figures.

Each `bench/bench_<topic>.py` defines `run() -> str`, which measures alternatives side by
side in the same process run and returns a Markdown section (a heading, what was measured,
a table with ratios). `python -m bench [topic ...]` runs all or the named ones; naming
some keeps the other topics' sections of BENCHMARKS.md as they were (between markers).
Each topic runs in an interpreter of its own, which prints its section (not as
`__main__`: the runner's zygote cannot unpickle what `__main__` defines), so no topic
measures in a process that an earlier one left large: after bench_history the process
held ~445 MB, which every spawned child's ru_maxrss then began with, and bench_speed's
history reads measured 2.7x there against 1.3x alone.
"""

from __future__ import annotations

import argparse
import pkgutil
import platform
import re
import subprocess
import sys
import time
from pathlib import Path

import bench

OUTPUT = Path(__file__).resolve().parent.parent / "BENCHMARKS.md"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("topics", nargs="*", help="bench_<topic> modules to run (default: all)")
    args = parser.parse_args(argv)
    names = sorted(
        m.name.removeprefix("bench_")
        for m in pkgutil.iter_modules(bench.__path__)
        if m.name.startswith("bench_")
    )
    chosen = args.topics or names
    unknown = set(chosen) - set(names)
    if unknown:
        parser.error(f"unknown topics: {', '.join(sorted(unknown))} (known: {', '.join(names)})")
    sections = _kept_sections() if args.topics else {}
    for name in chosen:
        print(f"running bench_{name} ...", file=sys.stderr)
        started = time.perf_counter()
        section = subprocess.run(
            [sys.executable, "-c", f"from bench.bench_{name} import run; print(run())"],
            cwd=OUTPUT.parent, stdout=subprocess.PIPE, text=True, check=True,
        ).stdout  # fmt: skip
        sections[name] = f"{section.strip()}\n\n_Measured at commit {_commit()}._"
        print(f"  done in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    header = (
        "# Benchmarks\n\n"
        "Written by `make bench` (`python -m bench`). Every table compares alternatives measured\n"
        "side by side in the same run on the same machine; read the ratios, not the seconds.\n\n"
        f"Machine: {platform.machine()}, {platform.python_implementation()} "
        f"{platform.python_version()}, {_cpu_count()} cores, {_memory_gb()} GB memory.\n"
    )
    body = "\n\n".join(
        f"<!-- bench_{name} -->\n{sections[name]}\n<!-- /bench_{name} -->"
        for name in names
        if name in sections
    )
    OUTPUT.write_text(header + "\n" + body + "\n")
    print(f"wrote {OUTPUT}", file=sys.stderr)
    return 0


def _kept_sections() -> dict[str, str]:
    if not OUTPUT.exists():
        return {}
    found = re.findall(
        r"<!-- bench_(\w+) -->\n(.*?)\n<!-- /bench_\1 -->", OUTPUT.read_text(), flags=re.S
    )
    return dict(found)


def _commit() -> str:
    """The commit measured; "-dirty" when code differs from it (this run's own outputs,
    BENCHMARKS.md and the plots, do not count)."""

    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=OUTPUT.parent, capture_output=True, text=True)
        return done.stdout.strip()

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    changed = git("status", "--porcelain", "--", ".", ":!BENCHMARKS.md", ":!bench/plots")
    return f"{commit}-dirty" if changed else commit


def _memory_gb() -> str:
    import psutil

    return f"{psutil.virtual_memory().total / 2**30:.0f}"


def _cpu_count() -> int:
    import os

    return os.cpu_count() or 1


if __name__ == "__main__":
    raise SystemExit(main())
