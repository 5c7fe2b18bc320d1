"""The two warm-runner designs issue 10 names, measured against a fresh `spawn` child per job.

- spawn:  a new interpreter per job; it imports the registry and the tool's libraries.
- zygote: a clean server process (multiprocessing's forkserver: started by exec, so the
          host's threads are no hazard) imports the catalog and libvips once
          (`shared.pipeline.zygote`), then forks one child per job.
- pool:   one warm process, spawned once, runs job after job (recycled after N jobs).

Each design runs the same tiny base64-codec job and the same 24 MP photo → 2048 px WebP
job; per-job time is wall time from the call to the result in the parent; memory is the
job process's resident set at the end of the job (RSS) and what it holds alone (USS).
This is how the runner's design was chosen (see `shared.pipeline.runner`).
"""

from __future__ import annotations

import multiprocessing
import statistics
import tempfile
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import psutil

TINY_JOBS = 30
PHOTO_JOBS = 3
PRELOAD = ["__main__", "bench.bench_runner", "shared.pipeline.zygote"]  # as the runner does


def _run(tool: str, source: str, out_dir: str, params: dict[str, Any]) -> str:
    from processors.registry import get_tool

    found = get_tool(tool)
    assert found is not None
    return str(found.run([Path(source)], Path(out_dir), found.parse_params(params), _no_progress))


def _no_progress(percent: float, step: str) -> None:
    pass


def _memory() -> tuple[float, float]:
    info = psutil.Process().memory_full_info()
    return info.rss / 2**20, info.uss / 2**20


def _child(connection: Connection, tool: str, source: str, out: str, params: Any) -> None:
    output = _run(tool, source, out, params)
    connection.send((output, *_memory()))
    connection.close()


def _pool_worker(connection: Connection) -> None:
    from processors.registry import all_tools

    all_tools()
    while True:
        job = connection.recv()
        if job is None:
            return
        output = _run(*job)
        connection.send((output, *_memory()))


def _one_child(context: Any, job: tuple[str, str, str, dict[str, Any]]) -> tuple[float, float]:
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(sender, *job), daemon=True)
    process.start()
    sender.close()
    _, rss, uss = receiver.recv()
    process.join()
    return rss, uss


def _measure(
    submit: Callable[[tuple[str, str, str, dict[str, Any]]], tuple[float, float]],
    jobs: list[tuple[str, str, str, dict[str, Any]]],
) -> dict[str, float]:
    times, rss, uss = [], [], []
    for job in jobs:
        started = time.perf_counter()
        r, u = submit(job)
        times.append(time.perf_counter() - started)
        rss.append(r)
        uss.append(u)
    times.sort()
    return {
        "p50": statistics.median(times),
        "p95": times[min(len(times) - 1, round(0.95 * (len(times) - 1)))],
        "rss": statistics.median(rss),
        "uss": statistics.median(uss),
    }


def _photo(path: Path) -> None:
    from bench.bench_images import _make_photo

    _make_photo(path)


def measure() -> dict[str, dict[str, dict[str, float]]]:
    """{design: {"tiny": figures, "photo": figures, "start": {"seconds": ...}}}."""
    results: dict[str, dict[str, dict[str, float]]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-runner-") as workdir:
        tiny = Path(workdir, "tiny.bin")
        tiny.write_bytes(bytes(range(256)) * 8)
        photo = Path(workdir, "photo.jpg")
        _photo(photo)
        out = Path(workdir, "out")
        out.mkdir()
        tiny_jobs = [("base64-codec", str(tiny), str(out), {})] * TINY_JOBS
        photo_jobs = [
            (
                "image-format-converter",
                str(photo),
                str(out),
                {"outputFormat": "webp", "quality": 85, "maxWidth": 2048, "maxHeight": 2048},
            )
        ] * PHOTO_JOBS

        spawn = multiprocessing.get_context("spawn")
        results["spawn"] = {
            "tiny": _measure(lambda job: _one_child(spawn, job), tiny_jobs),
            "photo": _measure(lambda job: _one_child(spawn, job), photo_jobs),
        }

        zygote = multiprocessing.get_context("forkserver")
        zygote.set_forkserver_preload(PRELOAD)
        started = time.perf_counter()
        _one_child(zygote, tiny_jobs[0])  # starts the server: paid once per host process
        first = time.perf_counter() - started
        results["zygote"] = {
            "tiny": _measure(lambda job: _one_child(zygote, job), tiny_jobs),
            "photo": _measure(lambda job: _one_child(zygote, job), photo_jobs),
            "start": {"seconds": first},
        }

        receiver, sender = spawn.Pipe()
        started = time.perf_counter()
        worker = spawn.Process(target=_pool_worker, args=(sender,), daemon=True)
        worker.start()

        def pooled(job: tuple[str, str, str, dict[str, Any]]) -> tuple[float, float]:
            receiver.send(job)
            _, rss, uss = receiver.recv()
            return rss, uss

        pooled(tiny_jobs[0])
        first = time.perf_counter() - started
        results["pool"] = {
            "tiny": _measure(pooled, tiny_jobs),
            "photo": _measure(pooled, photo_jobs),
            "start": {"seconds": first},
        }
        receiver.send(None)
        worker.join(5)
    return results


def run() -> str:
    results = measure()
    spawn = results["spawn"]
    lines = [
        "## Runner: a fresh spawn per job vs a forked zygote vs a warm pool",
        "",
        __doc__.split("\n\n", 1)[1].strip(),
        "",
        "| design | tiny job p50 | p95 | photo job p50 | job RSS (tiny) | job USS (tiny) "
        "| photo RSS | photo USS | first job (start) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for design, figures in results.items():
        tiny, photo = figures["tiny"], figures["photo"]
        start = figures.get("start", {}).get("seconds")
        lines.append(
            f"| {design} | {tiny['p50'] * 1000:.0f} ms | {tiny['p95'] * 1000:.0f} ms "
            f"| {photo['p50']:.2f} s | {tiny['rss']:.0f} MB | {tiny['uss']:.0f} MB "
            f"| {photo['rss']:.0f} MB | {photo['uss']:.0f} MB "
            f"| {f'{start:.2f} s' if start is not None else '-'} |"
        )
    zygote = results["zygote"]
    lines += [
        "",
        f"Tiny job: zygote {spawn['tiny']['p50'] / zygote['tiny']['p50']:.1f}x faster than spawn;"
        f" photo job: zygote {zygote['photo']['p50'] / spawn['photo']['p50']:.2f}x, pool"
        f" {results['pool']['photo']['p50'] / spawn['photo']['p50']:.2f}x the spawn time.",
        "Chosen: the zygote (an own process per job; see `shared.pipeline.runner`).",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    print(run())
