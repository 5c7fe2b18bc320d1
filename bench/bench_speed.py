"""Issue 10's speed figures, side by side in one run against one Azurite and real devhosts.

- P1 tiny jobs (2 KB, base64-codec), one at a time: upload committed → `completed` seen by a
  20 ms status poller; split with the job's own timestamps into trigger + queue pickup
  (upload committed → startedAt, which includes the input's download: a job is claimed once
  its input is in and its run has room) and processing span (startedAt → completedAt:
  runner start, tool, upload, writes).
- P3 a 24 MP photo → 2048 px WebP job: the input's fetch + the processing span ÷ bare libvips
  and bare Pillow doing the same in one process (`bench_images`' child, best of 3, run right
  before each job, as the machine's speed drifts over minutes). The fetch (one GET up to
  16 MB) now comes before `startedAt` (the claim waits for the input and for room), so it is
  added back: the figure stays what it was before that move. Its parts come from the
  processor's own log lines: the fetch, the tool run in its forked child with the output's
  upload, and what is left: the `processing` and `completed` writes. The bare runs share
  the machine with an idle devhost; the job's tool also with this benchmark's 2 Hz status
  poller (the CPU row measures what devhost and Azurite then take: their CPU with no job
  running, the client polling).
- P5 the status endpoint: wrk, 50 connections over 50 different jobs, ÷ bare SDK point
  reads of the same rows at 50 threads; and p50/p95 at the seed's load (50 clients, each
  polling its own job every 2.5 s).
- P2/P6 12 CPU-bound jobs (24 MP JPEG → full-size WebP, about 1 s of one core each:
  libwebp encodes on one thread) through devhost with 1 and 2 worker processes, each a
  fresh devhost, after a first round that starts every worker's zygote, in 5 rounds, each
  pipeline run between two runs of the bare loops and compared with their mean (the
  machine's speed drifts over minutes; medians of the rounds' figures); each worker runs
  one tool at a time, as an Azure instance of 2048 MB (1 vCPU) does with infra's settings,
  so 2 workers run the tool with the parallelism of the bare loop: the same tool on the
  same files in 2 processes (and in 1, for the plot). Throughput is taken at saturation,
  once every worker is busy: the jobs after the first wave ÷ the time from the first wave's
  last completion to the last one (the jobs' own completedAt, the client polling every
  0.5 s; the bare loop's own clock). The first wave carries the pipeline's start latency
  (trigger and pickup of a job that finds it idle: P1), which a 12-job run would spread
  over its throughput; the ratios from the first request are reported beside. The same with
  light jobs (6 MP, about 0.3 s each) shows what a job costs beside its tool: the CPU per
  job of devhost's HTTP process, its workers (trigger polling, ingest, download, upload,
  writes) and Azurite, all on the same 2 cores as the tools; in Azure the storage service
  runs elsewhere. With both cores busy, that CPU bounds P2 at tool ÷ (tool + beside) (the
  "bound" row). P6 is the bare loop's own gain from a second process times P2, over the
  same ratio with 1 worker (whose CPU beside the tool runs on the idle second core): the
  "decomposed" row shows which factor holds it back.
- P4 a ~500 MB video (raw 640x360 frames in MKV, made by FFmpeg's testsrc2 at bench time:
  no stored file) and a 50 MB one through video-compressor with its defaults, each in a
  fresh devhost with one worker: the worker process's peak RSS (its VmHWM: the host
  process, downloads and uploads included) and the tool tree's peak (the tool's process and
  FFmpeg, as the runner samples it every 0.25 s for TOOL_MEMORY_MB and logs it).
- P7 storage transactions, counted by a proxy in front of Azurite (`counting_proxy`): per
  tiny job (the idle rate subtracted; the API call, SAS upload, trigger, queue, runner and
  writes all included; the benchmark waits by reading the table behind the proxy's back) and
  per idle minute of one devhost worker, by service. A tiny base64 job makes no progress
  write (the relay writes nothing in a run's first second: the completion says it). The
  API key's read (once per 30 s of the key cache, whatever the number of jobs) is counted
  apart. docs/api.md lists the 12 transactions of a job. And everything a job costs when
  the light jobs arrive at once on 2 workers (each one tool at a time, as for P2/P6), the
  client polling every 0.5 s: what the trigger machinery of several workers adds.
- history latency (limit 10) for a tenant with 30 jobs and one with 10,000, both in the
  same jobs table and read in turns (so the table is the same size for both, and only the
  tenant's own size differs): the page read again (the store reads up to the page's
  remembered end: docs/api.md, "What a page costs"), and a process's first read of it
  (the plain query); and beside them what Azurite charges for queries that Azure answers
  in time independent of the partition (docs/api.md, "What a page costs"): the same page
  as a bare SDK query; exactly 11 rows by a RowKey range; a partition with no rows (the
  control: the same for both); one point read. Azurite (LokiJS) evaluates every query's
  filter on every entity of the table and sorts all matches before `top` cuts them, and a
  point read scans the partition's rows, so these grow with the partition however the
  query is written: on Azurite, that part of the history figure is the emulator's, and
  the history design stays the one that is O(page) on Azure.
"""

from __future__ import annotations

import contextlib
import io
import itertools
import math
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from bench.memory import peak_rss_mb

ROOT = Path(__file__).resolve().parent.parent
PLOTS = Path(__file__).resolve().parent / "plots"
TINY_JOBS = 30
PHOTO_JOBS = 5  # a median of 3 moved by a tenth between runs minutes apart
SLOW_POLL = 0.5  # s: where a job's own timestamps give the figure, a faster poller only
# loads the machine (the site polls every 2-3 s)
CPU_JOBS = 12
STATUS_JOBS = 50
SEED_SECONDS = 20.0
HISTORY_SIZES = (30, 10_000)
COUNTED_JOBS = 10
IDLE_SECONDS = 30.0
SERVICES = ("blob", "queue", "table")
CONVERT = {"outputFormat": "webp", "quality": 85, "maxWidth": 2048, "maxHeight": 2048}
CPU_WORKLOADS: dict[str, tuple[tuple[int, int], dict[str, Any]]] = {
    "cpu-bound": ((6000, 4000), {"outputFormat": "webp"}),  # ≈ 1 s of one core a job
    "light": ((3000, 2000), {"outputFormat": "webp"}),  # ≈ 0.3 s a job
}
"""P2/P6's jobs: JPEGs (a Mandelbrot set, different for every job) → full-size WebP, which
libwebp encodes on one thread, so 2 processes use the 2 cores as 2 workers do."""
ROLES = ("http", "workers", "azurite")
SCALING_ROUNDS = 5
ONE_TOOL_PER_WORKER = {"INSTANCE_MEMORY_MB": "1536", "TOOL_MEMORY_MB": "1536"}
"""Each devhost worker as an Azure instance of 2048 MB, which has 1 vCPU (infra's setting):
one tool run at a time, so 2 workers run 2 at a time like the bare loop's 2 processes."""
PEAKS = ("host_peak_mb", "tool_peak_mb")
VIDEO_FRAMES = {"50 MB": 144, "500 MB": 1440}  # raw 640x360 yuv420p: 345,600 bytes a frame


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _when(value: str) -> float:
    return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()


@contextmanager
def _devhost(
    connection_string: str, key: str, workers: int, settings: dict[str, str] | None = None
) -> Iterator[Any]:
    import httpx

    from devhost.testing import run_devhost

    env = {
        **os.environ,
        "AzureWebJobsStorage": connection_string,
        "DEV_API_KEY": key,
        "DEVHOST_STARTUP_COMMAND": f"{sys.executable} -m shared.provision",  # + the dev key
        "RATE_LIMIT_PER_MINUTE": "0",
        **(settings or {}),
    }
    with run_devhost(ROOT, env=env, workers=workers) as host:
        api = httpx.Client(base_url=f"{host.base_url}/api", headers={"X-API-Key": key}, timeout=60)
        yield host, api


def _submit(
    api: Any, tool: str, name: str, data: bytes, params: dict[str, Any]
) -> tuple[str, float]:
    """Create the job, PUT the file by SAS; (execution id, time the upload was committed)."""
    from azure.storage.blob import BlobClient

    body = {"filename": name, "size": len(data), "parameters": params}
    job = api.post(f"/v1/tools/{tool}/uploads/", json=body).json()
    BlobClient.from_blob_url(job["upload"]["url"]).upload_blob(data)
    return job["executionId"], time.time()


def _wait(api: Any, ident: str, interval: float) -> tuple[dict[str, Any], float]:
    while True:
        status = api.get(f"/v1/executions/{ident}/status/").json()
        if status["status"] in ("completed", "failed"):
            assert status["status"] == "completed", status
            return status, time.time()
        time.sleep(interval)


def _tiny(api: Any) -> dict[str, list[float]]:
    data = bytes(range(256)) * 8
    _wait(api, _submit(api, "base64-codec", "warm.bin", data, {})[0], 0.02)  # starts the zygote
    figures: dict[str, list[float]] = {"end_to_end": [], "pickup": [], "span": []}
    for index in range(TINY_JOBS):
        ident, committed = _submit(api, "base64-codec", f"t{index}.bin", data, {})
        status, seen = _wait(api, ident, 0.02)
        started, completed = _when(status["startedAt"]), _when(status["completedAt"])
        figures["end_to_end"].append(seen - committed)
        figures["pickup"].append(started - committed)
        figures["span"].append(completed - started)
    return figures


def _photo_spans(host: Any, api: Any, photo: Path) -> dict[str, list[float]]:
    """Each photo job's span, and its parts from the processor's own log lines: the fetch of
    the input (which comes before the claim, so before `startedAt`), the tool run + output
    stored; the rest of the span is the table writes. Before each
    job, bare libvips and bare Pillow on the same photo (best of 3 in a child process): the
    machine's speed drifts by a quarter over minutes, so each job is held against its own
    bare runs."""
    from bench.bench_images import _measure

    figures: dict[str, list[float]] = {"span": [], "fetch": [], "tool": [], "vips": [], "pil": []}
    data = photo.read_bytes()
    for index in range(PHOTO_JOBS):
        for engine, key in (("libvips", "vips"), ("pillow", "pil")):
            out = photo.with_name(f"bare-{engine}.webp")
            figures[key].append(_measure(engine, "webp", photo, out)["seconds"])
        ident, _ = _submit(api, "image-format-converter", f"p{index}.jpg", data, CONVERT)
        status, _ = _wait(api, ident, SLOW_POLL)  # the span comes from the job's timestamps
        figures["span"].append(_when(status["completedAt"]) - _when(status["startedAt"]))
        log = host.log()
        for key, what in (("fetch", "inputs fetched"), ("tool", "tool run and output stored")):
            found = re.search(rf"job {ident}: {what} in (\d+) ms", log)
            assert found, f"the processor's log has no '{what}' line for job {ident}"
            figures[key].append(int(found[1]) / 1000)
    return figures


def _background_cpu(host: Any, azurite: Any, api: Any, ident: str) -> list[float]:
    """Percent of one core that devhost (all its processes) and Azurite use while no job
    runs but a client polls a status at 2 Hz, as during the photo jobs: the share of the
    2 cores a tool in devhost does not get and a bare process does."""
    import psutil

    def used(process: Any) -> float:
        return sum(_cpu_seconds(p)[0] for p in [process, *process.children(recursive=True)])

    watched = [psutil.Process(host.process.pid), psutil.Process(azurite.process.pid)]
    before, started = [used(p) for p in watched], time.monotonic()
    while time.monotonic() - started < 5:
        api.get(f"/v1/executions/{ident}/status/")
        time.sleep(SLOW_POLL)
    elapsed = time.monotonic() - started
    return [100 * (used(p) - b) / elapsed for p, b in zip(watched, before, strict=True)]


def _wrk(base_url: str, key: str, ids: list[str], seconds: int = 10) -> dict[str, float]:
    script = Path(tempfile.mkdtemp(prefix="bench-wrk-"), "status.lua")
    paths = ", ".join(f'"/api/v1/executions/{i}/status/"' for i in ids)
    script.write_text(
        f"local paths = {{{paths}}}\nlocal n = 0\n"
        f'wrk.headers["X-API-Key"] = "{key}"\n'
        "request = function()\n  n = n + 1\n"
        "  return wrk.format(nil, paths[(n % #paths) + 1])\nend\n"
    )
    done = subprocess.run(
        ["wrk", "-t2", "-c50", f"-d{seconds}s", "--latency", "-s", str(script), base_url],
        capture_output=True,
        text=True,
        check=True,
    )
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", done.stdout).group(1))  # type: ignore[union-attr]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", done.stdout)
    return {"rate": rate, "non_2xx": float(errors.group(1)) if errors else 0.0}


def _bare_point_reads(connection_string: str, rows: list[tuple[str, str]], seconds: float) -> float:
    from azure.data.tables import TableClient

    table = TableClient.from_connection_string(connection_string, "jobs")
    stop = time.monotonic() + seconds
    counts = [0] * 50

    def reader(slot: int) -> None:
        while time.monotonic() < stop:
            table.get_entity(*rows[(slot + counts[slot]) % len(rows)])
            counts[slot] += 1

    with ThreadPoolExecutor(50) as pool:
        list(pool.map(reader, range(50)))
    return sum(counts) / seconds


def _seed_load(api_base: str, key: str, ids: list[str]) -> list[float]:
    import httpx

    latencies: list[float] = []
    lock = threading.Lock()
    stop = time.monotonic() + SEED_SECONDS

    def client(slot: int) -> None:
        with httpx.Client(base_url=api_base, headers={"X-API-Key": key}, timeout=30) as http:
            time.sleep(slot * 2.5 / len(ids))  # spread the clients over the interval
            while time.monotonic() < stop:
                started = time.perf_counter()
                http.get(f"/v1/executions/{ids[slot]}/status/").raise_for_status()
                with lock:
                    latencies.append(time.perf_counter() - started)
                time.sleep(2.5)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(len(ids))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies


def _status(host: Any, api: Any, key: str, connection_string: str) -> dict[str, Any]:
    from shared.naming import row_key_of

    ids = [
        api.post(
            "/v1/tools/base64-codec/uploads/", json={"filename": f"s{i}.bin", "size": 10}
        ).json()["executionId"]
        for i in range(STATUS_JOBS)
    ]
    tenant = "dev"  # DEV_API_KEY's tenant
    rows = [(tenant, row_key_of(i) or "") for i in ids]
    return {
        "wrk": _wrk(host.base_url, key, ids),
        "bare": _bare_point_reads(connection_string, rows, 10.0),
        "seed": _seed_load(f"{host.base_url}/api", key, ids),
    }


def _transactions(
    azurite: Any, key: str, burst: list[bytes]
) -> dict[str, dict[tuple[str, str], float]]:
    """{"idle_per_minute": {service: n}, "per_job": {service: n}, "burst": {service: n}}."""
    from bench.counting_proxy import CountingProxy
    from shared.context import Services
    from shared.settings import Settings

    direct = Services(Settings(storage_connection_string=azurite.connection_string)).jobs
    proxy = CountingProxy(azurite)
    data = bytes(range(256)) * 8

    def job(api: Any, name: str) -> None:
        ident, _ = _submit(api, "base64-codec", name, data, {})
        while (found := direct.get("dev", ident)) is None or found.status != "completed":
            assert found is None or found.status != "failed", found
            time.sleep(0.05)

    try:
        with _devhost(proxy.connection_string, key, 1) as (_, api):
            job(api, "warm.bin")
            time.sleep(5)  # let the queue listeners back off to their idle rate
            before = proxy.snapshot()
            time.sleep(IDLE_SECONDS)
            idle = proxy.snapshot() - before
            before, started = proxy.snapshot(), time.monotonic()
            for index in range(COUNTED_JOBS):
                job(api, f"n{index}.bin")
            busy, seconds = proxy.snapshot() - before, time.monotonic() - started
        with _devhost(proxy.connection_string, key, 2, ONE_TOOL_PER_WORKER) as (_, api):
            params = CPU_WORKLOADS["light"][1]
            _through_pipeline(api, burst[:2], params, 2)
            before = proxy.snapshot()
            _through_pipeline(api, burst, params, 2)
            in_burst = proxy.snapshot() - before
    finally:
        proxy.stop()
    keys = [(service, kind) for service in SERVICES for kind in ("app", "polling", "auth")]
    idle_rate = {k: idle[k] / IDLE_SECONDS for k in keys}
    return {
        "idle_per_minute": {k: idle_rate[k] * 60 for k in keys},
        "per_job": {k: max(0.0, busy[k] - idle_rate[k] * seconds) / COUNTED_JOBS for k in keys},
        "burst": {k: in_burst[k] / len(burst) for k in keys},
    }


def _make_video(path: Path, frames: int) -> None:
    from processors.video.probe import ffmpeg_exe

    source = f"testsrc2=size=640x360:rate=25,trim=end_frame={frames}"
    subprocess.run(
        [ffmpeg_exe(), "-v", "error", "-y", "-f", "lavfi", "-i", source,
         "-c:v", "rawvideo", "-pix_fmt", "yuv420p", str(path)],
        check=True,
    )  # fmt: skip


def _worker_pid(host: Any) -> int:
    import psutil

    for child in psutil.Process(host.process.pid).children(recursive=True):
        if "devhost.worker" in " ".join(child.cmdline()):
            return int(child.pid)
    raise RuntimeError("no devhost worker process found")


def _video(connection_string: str, key: str, workdir: Path) -> dict[str, dict[str, float]]:
    """{label: {size_mb, host_start_mb, host_peak_mb, tool_peak_mb, seconds}} per video."""
    from azure.storage.blob import BlobClient

    results = {}
    for label, frames in VIDEO_FRAMES.items():
        path = workdir / f"video-{frames}.mkv"
        _make_video(path, frames)
        size = path.stat().st_size
        with _devhost(connection_string, key, 1) as (host, api):
            worker = _worker_pid(host)
            _wait(api, _submit(api, "base64-codec", "w.bin", b"warm", {})[0], 0.1)  # fully up
            start_mb = peak_rss_mb(worker)
            started = time.perf_counter()
            body = {"filename": path.name, "size": size, "parameters": {}}
            job = api.post("/v1/tools/video-compressor/uploads/", json=body).json()
            with path.open("rb") as data:
                BlobClient.from_blob_url(
                    job["upload"]["url"], max_block_size=4 << 20, max_single_put_size=4 << 20
                ).upload_blob(data, max_concurrency=2)
            _wait(api, job["executionId"], SLOW_POLL)
            seconds = time.perf_counter() - started
            peaks = re.findall(r"video-compressor: process tree peaked at (\d+) MB", host.log())
            results[label] = {
                "size_mb": size / 1e6,
                "host_start_mb": start_mb,
                "host_peak_mb": peak_rss_mb(worker),
                "tool_peak_mb": float(peaks[-1]),
                "seconds": seconds,
            }
        path.unlink()
    return results


def _cpu_images(size: tuple[int, int]) -> list[bytes]:
    from PIL import Image

    images = []
    for index in range(CPU_JOBS):
        buffer = io.BytesIO()
        Image.effect_mandelbrot(size, (-2.0 + index * 0.01, -1.0, 1.0, 1.0), 100).convert(
            "RGB"
        ).save(buffer, "JPEG", quality=90)
        images.append(buffer.getvalue())
    return images


def _cpu_seconds(process: Any) -> tuple[float, float]:
    """(CPU of the process itself, CPU of the children it has reaped)."""
    import psutil

    with contextlib.suppress(psutil.Error):
        times = process.cpu_times()
        return times.user + times.system, times.children_user + times.children_system
    return 0.0, 0.0


def _roles(host: Any, azurite: Any) -> dict[str, float]:
    """CPU seconds so far by role: devhost's HTTP process, its workers, the tools (reaped by
    each worker's zygote) and Azurite."""
    import psutil

    parent = psutil.Process(host.process.pid)
    totals = {"http": _cpu_seconds(parent)[0], "workers": 0.0, "tools": 0.0}
    for child in parent.children(recursive=True):
        own, reaped = _cpu_seconds(child)
        with contextlib.suppress(psutil.Error):
            if "devhost.worker" in " ".join(child.cmdline()):
                totals["workers"] += own
                continue
        totals["tools"] += own + reaped  # the zygote: its own start, and every job it forked
    totals["azurite"] = _cpu_seconds(psutil.Process(azurite.process.pid))[0]
    return totals


def _rates(finished: list[float], started: float, parallel: int) -> dict[str, float]:
    """Jobs per second once every slot is busy ("rate"): the jobs after the first `parallel`
    ÷ the time from the `parallel`-th completion to the last (NaN for a run too short to
    saturate: a warm-up); and from `started` to the last completion. The first wave carries
    the start latency (the trigger and the queue pickup of a job that found an idle
    pipeline: P1's subject, and nothing in the bare loop, whose imports are paid before its
    clock starts), which a 12-job run would otherwise spread over its throughput."""
    ordered = sorted(finished)
    saturated = math.nan
    if len(ordered) > parallel:
        saturated = (len(ordered) - parallel) / (ordered[-1] - ordered[parallel - 1])
    return {"rate": saturated, "from_first_request": len(ordered) / (ordered[-1] - started)}


def _through_pipeline(
    api: Any, images: list[bytes], params: dict[str, Any], parallel: int
) -> dict[str, float]:
    """Jobs per second (`_rates`, from the jobs' own completedAt and the first request); the
    longest wait of a job from its upload to its startedAt. Polled every 0.5 s (the jobs' own
    timestamps say when they ended, so a slow poller costs no precision and no CPU)."""
    started = time.time()
    sent = [
        _submit(api, "image-format-converter", f"c{i}.jpg", data, params)
        for i, data in enumerate(images)
    ]
    statuses = [(_wait(api, ident, SLOW_POLL)[0], committed) for ident, committed in sent]
    finished = [_when(status["completedAt"]) for status, _ in statuses]
    return {
        **_rates(finished, started, parallel),
        "longest_wait": max(_when(status["startedAt"]) - at for status, at in statuses),
    }


def _workers(
    azurite: Any, key: str, workloads: dict[str, list[bytes]]
) -> dict[str, dict[int, dict[str, float]]]:
    """P2/P6: {workload: {workers: {rate, longest_wait, CPU seconds per job by role}}}, each
    worker count in a fresh devhost; a first round of the light jobs starts every worker's
    zygote and loads libvips."""
    results: dict[str, dict[int, dict[str, float]]] = {name: {} for name in workloads}
    for workers in (1, 2):
        with _devhost(azurite.connection_string, key, workers, ONE_TOOL_PER_WORKER) as (host, api):
            _through_pipeline(api, workloads["light"], CPU_WORKLOADS["light"][1], workers)
            for name, images in workloads.items():
                before = _roles(host, azurite)
                figures = _through_pipeline(api, images, CPU_WORKLOADS[name][1], workers)
                after = _roles(host, azurite)
                for role, seconds in after.items():
                    figures[role] = (seconds - before[role]) / len(images)
                results[name][workers] = figures
    return results


def _scaling(
    azurite: Any, key: str, workloads: dict[str, list[bytes]], workdir: Path
) -> list[dict[str, Any]]:
    """P2/P6 in SCALING_ROUNDS rounds: bare loops (1 and 2 processes), then the pipeline
    (1 and 2 workers), then the bare loops again, each pipeline run compared with the mean
    of the bare runs on either side of it (the last of one round is the first of the next).
    This machine's speed drifts by a quarter over minutes: a steady drift cancels out of
    that mean, where a bare run on one side only put the drift into the ratio (rounds of
    0.66 to 0.88 for the same code). The report takes the rounds' median."""

    def bare_loops() -> dict[str, dict[int, dict[str, float]]]:
        return {
            name: {n: _bare_loop(images, CPU_WORKLOADS[name][1], workdir, n) for n in (1, 2)}
            for name, images in workloads.items()
        }

    rounds = []
    before = bare_loops()
    for _ in range(SCALING_ROUNDS):
        pipeline = _workers(azurite, key, workloads)
        after = bare_loops()
        rounds.append({"bare": _combine([before, after], statistics.fmean), "workers": pipeline})
        before = after
    return rounds


def _combine(trees: list[Any], statistic: Callable[[list[float]], float]) -> Any:
    """`statistic` of each leaf across nested dicts of the same shape (element-wise)."""
    if isinstance(trees[0], dict):
        return {k: _combine([t[k] for t in trees], statistic) for k in trees[0]}
    return statistic(trees)


def _bare_tool(job: tuple[str, dict[str, Any]]) -> tuple[float, float]:
    """Run the tool on one file in this process; its CPU seconds and when it finished."""
    from processors.registry import get_tool

    path, params = job
    tool = get_tool("image-format-converter")
    assert tool is not None
    out = Path(tempfile.mkdtemp(prefix="bench-bare-"))
    started = time.process_time()
    tool.run([Path(path)], out, tool.parse_params(params), lambda p, s: None)
    used = time.process_time() - started
    shutil.rmtree(out)
    return used, time.time()


def _bare_loop(
    images: list[bytes], params: dict[str, Any], workdir: Path, parallel: int
) -> dict[str, float]:
    """Jobs per second of the tool alone on the same files in `parallel` processes, measured
    as the pipeline's are, and its CPU seconds per job."""
    import multiprocessing

    jobs = []
    for index, data in enumerate(images):
        path = workdir / f"bare{index}.jpg"
        path.write_bytes(data)
        jobs.append((str(path), params))
    with multiprocessing.get_context("spawn").Pool(parallel) as pool:
        pool.map(_bare_tool, jobs[:parallel])  # imports paid before the clock starts
        started = time.time()
        runs = pool.map(_bare_tool, jobs, chunksize=1)
    return {
        **_rates([at for _, at in runs], started, parallel),
        "tools": statistics.mean(used for used, _ in runs),
    }


def _history(connection_string: str) -> dict[int, dict[str, list[float]]]:
    """Both tenants are written into the jobs table first and then read in turns: Azurite
    scans the whole table for every query, so a tenant measured before the other's 10,000
    rows existed read a smaller table, and the ratio mixed the table's size (which Azure's
    partition index does not see) into the tenant's."""
    from shared.api import executions
    from shared.api.http import ApiRequest, handle
    from shared.context import Services
    from shared.settings import Settings

    services = Services(Settings(storage_connection_string=connection_string))
    tenants = {size: _history_tenant(services, size) for size in HISTORY_SIZES}
    results: dict[int, dict[str, list[float]]] = {
        size: {k: [] for k in ("api", "first", "bare", "whole", "empty", "point", "window")}
        for size in HISTORY_SIZES
    }
    table = services.jobs.table
    query = "PartitionKey eq @tenant and RowKey lt @lookup"
    # Exactly the 11 rows after the newest one: the query Azure answers in O(page).
    ranged = "PartitionKey eq @tenant and RowKey gt @after and RowKey lt @before"
    requests = {
        size: ApiRequest(
            method="GET",
            url="http://bench/api/v1/executions/",
            headers={"X-API-Key": key},
            params={"limit": "10"},
        )
        for size, (_, key, _) in tenants.items()
    }
    for _ in range(30):
        for size, (tenant, _, keys) in tenants.items():
            found, request = results[size], requests[size]
            del services.jobs  # a store that has not read this page yet, as after a start
            started = time.perf_counter()
            answer = handle(services, request, executions.history)
            found["first"].append(time.perf_counter() - started)
            assert answer.status == 200
            started = time.perf_counter()  # the same page again: up to its remembered end
            answer = handle(services, request, executions.history)
            found["api"].append(time.perf_counter() - started)
            assert answer.status == 200
            started = time.perf_counter()
            rows = table.query_entities(
                query, parameters={"tenant": tenant, "lookup": "id_"}, results_per_page=11
            )
            list(itertools.islice(rows, 11))
            found["bare"].append(time.perf_counter() - started)
            # What Azurite charges any query on this table: a partition with no rows at all.
            started = time.perf_counter()
            list(table.query_entities(query, parameters={"tenant": "nobody", "lookup": "id_"}))
            found["empty"].append(time.perf_counter() - started)
            bounds = {"tenant": tenant, "after": keys[0], "before": keys[12]}
            started = time.perf_counter()
            list(table.query_entities(ranged, parameters=bounds, results_per_page=11))
            found["window"].append(time.perf_counter() - started)
            started = time.perf_counter()
            table.get_entity(tenant, keys[0])
            found["point"].append(time.perf_counter() - started)
    for size, (tenant, _, _) in tenants.items():
        for _ in range(3):  # what every call did before: read the whole history to count it
            started = time.perf_counter()
            list(services.jobs.history(tenant))
            results[size]["whole"].append(time.perf_counter() - started)
    return results


def _history_tenant(services: Any, size: int) -> tuple[str, str, list[str]]:
    """A tenant with `size` completed jobs: (tenant, its API key, its RowKeys newest first)."""
    from shared.jobs import Job
    from shared.naming import new_execution_id

    tenant = f"history{size}"
    key, _ = services.keys.create(tenant)
    batch: list[Any] = []
    keys: list[str] = []
    for _ in range(size):
        moment = services.clock()
        job = Job(
            execution_id=new_execution_id(moment),
            tenant=tenant,
            tool="base64-codec",
            category="data",
            created_at=moment,
            status="completed",
        )
        keys.append(job.row_key)
        batch.append(("upsert", job.to_entity()))
        if len(batch) == 100:
            services.jobs.table.submit_transaction(batch)
            batch = []
    if batch:
        services.jobs.table.submit_transaction(batch)
    keys.sort()  # newest first
    return tenant, key, keys


def _plots(
    tiny: dict[str, list[float]],
    seed: list[float],
    workers: dict[str, dict[int, float]],
    bare: dict[str, dict[int, dict[str, float]]],
) -> list[str]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    PLOTS.mkdir(exist_ok=True)
    names = []
    figure, axes = plt.subplots(figsize=(7, 3.5))
    for label, values in (
        ("end to end (commit → seen)", tiny["end_to_end"]),
        ("trigger + pickup", tiny["pickup"]),
        ("processing span", tiny["span"]),
    ):
        ordered = sorted(v * 1000 for v in values)
        axes.plot(ordered, [(i + 1) / len(ordered) for i in range(len(ordered))], label=label)
    axes.set_xlabel("ms")
    axes.set_ylabel("share of jobs")
    axes.set_title(f"P1: {TINY_JOBS} tiny jobs, one devhost worker")
    axes.legend()
    figure.tight_layout()
    figure.savefig(PLOTS / "p1-tiny-jobs.png", dpi=90)
    names.append("p1-tiny-jobs.png")
    figure, axes = plt.subplots(figsize=(7, 3.5))
    axes.hist([v * 1000 for v in seed], bins=40)
    axes.set_xlabel("ms")
    axes.set_ylabel("requests")
    axes.set_title("P5: status latency at the seed's load (50 clients, every 2.5 s)")
    figure.tight_layout()
    figure.savefig(PLOTS / "p5-status-latency.png", dpi=90)
    names.append("p5-status-latency.png")
    figure, panels = plt.subplots(1, len(workers), figsize=(9, 3.5), sharey=False)
    for axes, (name, counts) in zip(panels, workers.items(), strict=True):
        seconds = bare[name][1]["tools"]
        axes.plot(list(counts), [counts[c] for c in counts], marker="o", label="pipeline (devhost)")
        axes.plot(list(counts), [bare[name][c]["rate"] for c in counts], marker="s",
                  linestyle="--", color="grey", label="bare loop")  # fmt: skip
        axes.set_xticks(list(counts))
        axes.set_ylim(bottom=0)
        axes.set_xlabel("devhost workers / bare processes")
        axes.set_ylabel("jobs per second")
        axes.set_title(f"P6: {name} jobs (≈ {seconds:.1f} s of CPU each)")
        axes.legend(loc="lower right")
    figure.tight_layout()
    figure.savefig(PLOTS / "p6-throughput.png", dpi=90)
    names.append("p6-throughput.png")
    plt.close("all")
    return names


def _split(counts: dict[tuple[str, str], float], kind: str) -> str:
    return " / ".join(f"{counts[s, kind]:.1f}" for s in SERVICES)


def _sum(counts: dict[tuple[str, str], float], kind: str) -> float:
    return sum(counts[s, kind] for s in SERVICES)


def _verdict(ok: bool) -> str:
    return "met" if ok else "**not met**"


def run() -> str:
    from bench.bench_images import _make_photo
    from devhost.azurite import start_azurite
    from shared.context import Services
    from shared.provision import provision
    from shared.settings import Settings

    key = f"bench-{time.time_ns()}"
    with tempfile.TemporaryDirectory(prefix="bench-speed-") as raw:
        workdir = Path(raw)
        photo = workdir / "photo.jpg"
        _make_photo(photo)
        workloads = {name: _cpu_images(size) for name, (size, _) in CPU_WORKLOADS.items()}
        azurite = start_azurite(location=workdir / "azurite")
        try:
            connection_string = azurite.connection_string
            services = Services(Settings(storage_connection_string=connection_string))
            provision(services.storage, say=lambda line: None)
            with _devhost(connection_string, key, 1) as (host, api):
                tiny = _tiny(api)
                spans = _photo_spans(host, api, photo)
                ident, _ = _submit(api, "base64-codec", "idle.bin", b"idle", {})
                _wait(api, ident, 0.1)
                spans["background"] = _background_cpu(host, azurite, api, ident)
                status = _status(host, api, key, connection_string)
            rounds = _scaling(azurite, key, workloads, workdir)
            transactions = _transactions(azurite, key, workloads["light"])
            video = _video(connection_string, key, workdir)
            history = _history(connection_string)
        finally:
            azurite.stop()
    workers, bare = (
        _combine([r[part] for r in rounds], statistics.median) for part in ("workers", "bare")
    )
    rates = {name: {n: w["rate"] for n, w in counts.items()} for name, counts in workers.items()}
    plots = _plots(tiny, status["seed"], rates, bare)
    return _report(
        tiny, spans, status, workers, bare, rounds, history, transactions,
        video, plots,
    )  # fmt: skip


def _report(
    tiny: dict[str, list[float]],
    spans: dict[str, list[float]],
    status: dict[str, Any],
    workers: dict[str, dict[int, dict[str, float]]],
    loops: dict[str, dict[int, dict[str, float]]],
    rounds: list[dict[str, Any]],
    history: dict[int, dict[str, list[float]]],
    transactions: dict[str, dict[tuple[str, str], float]],
    video: dict[str, dict[str, float]],
    plots: list[str],
) -> str:
    ms: Callable[[float], str] = lambda s: f"{s * 1000:.0f} ms"  # noqa: E731
    e2e, span, pickup = tiny["end_to_end"], tiny["span"], tiny["pickup"]
    jobs = [fetch + span for fetch, span in zip(spans["fetch"], spans["span"], strict=True)]
    photo = statistics.median(jobs)
    bare_vips, bare_pillow = statistics.median(spans["vips"]), statistics.median(spans["pil"])
    paired = statistics.median(a / b for a, b in zip(jobs, spans["vips"], strict=True))
    fetch, tool = (statistics.median(spans[k]) for k in ("fetch", "tool"))
    wrk, bare, seed = status["wrk"], status["bare"], status["seed"]
    small, large = (statistics.median(history[n]["api"]) for n in HISTORY_SIZES)
    first_small, first_large = (statistics.median(history[n]["first"]) for n in HISTORY_SIZES)
    bare_small, bare_large = (statistics.median(history[n]["bare"]) for n in HISTORY_SIZES)
    whole_small, whole_large = (statistics.median(history[n]["whole"]) for n in HISTORY_SIZES)
    empty_small, empty_large = (statistics.median(history[n]["empty"]) for n in HISTORY_SIZES)
    point_small, point_large = (statistics.median(history[n]["point"]) for n in HISTORY_SIZES)
    window_small, window_large = (statistics.median(history[n]["window"]) for n in HISTORY_SIZES)
    one_worker, two_workers = (workers["cpu-bound"][n]["rate"] for n in (1, 2))
    bare_rate = loops["cpu-bound"][2]["rate"]

    def per_round(ratio: Callable[[dict[str, Any], dict[str, Any]], float]) -> list[float]:
        return sorted(ratio(r["workers"], r["bare"]) for r in rounds)

    def p2_p6(key: str) -> tuple[list[float], list[float]]:
        return (
            per_round(lambda w, b: w["cpu-bound"][2][key] / b["cpu-bound"][2][key]),
            per_round(lambda w, b: w["cpu-bound"][2][key] / w["cpu-bound"][1][key]),
        )

    (p2s, p6s), (p2_firsts, p6_firsts) = p2_p6("rate"), p2_p6("from_first_request")
    bare_gains = per_round(lambda w, b: b["cpu-bound"][2]["rate"] / b["cpu-bound"][1]["rate"])
    p2_ones = per_round(lambda w, b: w["cpu-bound"][1]["rate"] / b["cpu-bound"][1]["rate"])
    p2, p6 = statistics.median(p2s), statistics.median(p6s)
    two = workers["cpu-bound"][2]
    beside = sum(two[role] for role in ROLES)
    bound = two["tools"] / (two["tools"] + beside)
    spread: Callable[[list[float]], str] = lambda v: f"{v[0]:.2f} to {v[-1]:.2f}"  # noqa: E731
    light = workers["light"]
    heavy_cpu, light_cpu = (loops[name][1]["tools"] for name in ("cpu-bound", "light"))
    overhead = {
        name: " + ".join(f"{1000 * workers[name][2][role]:.0f}" for role in ROLES)
        + f" = {1000 * sum(workers[name][2][role] for role in ROLES):.0f} ms"
        for name in workers
    }
    tool_cost = {name: workers[name][2]["tools"] / loops[name][2]["tools"] for name in workers}
    per_job, idle = transactions["per_job"], transactions["idle_per_minute"]
    burst = transactions["burst"]
    small_video, large_video = video["50 MB"], video["500 MB"]
    lines = [
        "## Speed: issue 10's figures against their targets",
        "",
        __doc__.split("\n\n", 1)[1].strip(),
        "",
        "| figure | measured | target | verdict |",
        "| --- | --- | --- | --- |",
        f"| P1 tiny job end to end p50 / p95 | {ms(statistics.median(e2e))} / {ms(_pct(e2e, 0.95))}"
        f" | p50 ≤ 500 ms | {_verdict(statistics.median(e2e) <= 0.5)} |",
        f"| P1 trigger + queue pickup + input download p50 / p95 |"
        f" {ms(statistics.median(pickup))} / {ms(_pct(pickup, 0.95))} | - | - |",
        f"| P1 processing span p50 / p95 | {ms(statistics.median(span))} / {ms(_pct(span, 0.95))}"
        f" | p50 ≤ 80 ms | {_verdict(statistics.median(span) <= 0.08)} |",
        f"| P3 24 MP photo: input fetch + processing span ÷ bare libvips (median of each job"
        f" ÷ its own bare run) |"
        f" {paired:.2f}x (medians: {photo:.2f} s ÷ {bare_vips:.2f} s; bare Pillow"
        f" {bare_pillow:.2f} s: {photo / bare_pillow:.2f}x) | ≤ 1.3x | {_verdict(paired <= 1.3)} |",
        f"| P3 its parts (p50): input fetched (before `startedAt`) / tool run + output stored /"
        f" table writes | {ms(fetch)} / {ms(tool)} / {ms(max(0.0, photo - fetch - tool))}"
        " | - | - |",
        f"| P3 CPU of devhost / Azurite with no job running, a client polling at 2 Hz"
        f" (% of one core; 2 cores) | {spans['background'][0]:.0f}% / {spans['background'][1]:.0f}%"
        " | - | - |",
        f"| P5 status at 50 connections ÷ bare SDK point reads at 50 threads | {wrk['rate']:.0f}/s"
        f" ÷ {bare:.0f}/s = {wrk['rate'] / bare:.2f}x (non-2xx: {wrk['non_2xx']:.0f})"
        f" | ≥ 0.5x | {_verdict(wrk['rate'] / bare >= 0.5)} |",
        f"| P5 status p50 / p95 at the seed's load ({len(seed)} requests) |"
        f" {ms(statistics.median(seed))} / {ms(_pct(seed, 0.95))} | p95 ≤ 25 ms"
        f" | {_verdict(_pct(seed, 0.95) <= 0.025)} |",
        f"| P2 pipeline (2 workers) ÷ bare loop (2 processes) at saturation, CPU-bound jobs"
        f" ({heavy_cpu:.1f} s of CPU each), median of {len(rounds)} rounds | {p2:.2f}"
        f" (rounds: {spread(p2s)};"
        f" medians {two_workers:.2f} ÷ {bare_rate:.2f} jobs/s) | ≥ 0.85 | {_verdict(p2 >= 0.85)} |",
        f"| P6 2 workers ÷ 1 worker, the same jobs and rounds | {p6:.2f}x (rounds: {spread(p6s)};"
        f" medians {two_workers:.2f} ÷ {one_worker:.2f} jobs/s); the bare loop's own 2 ÷ 1"
        f" processes: {statistics.median(bare_gains):.2f}x ({spread(bare_gains)}) | ≥ 1.8x"
        f" | {_verdict(p6 >= 1.8)} |",
        f"| P2 / P6 from the first request to the last completion (the first wave's start"
        f" latency included), medians | {statistics.median(p2_firsts):.2f} ({spread(p2_firsts)})"
        f" / {statistics.median(p6_firsts):.2f}x ({spread(p6_firsts)}) | - | - |",
        f"| P2's bound from CPU, 2 workers: tool ÷ (tool + CPU beside it), CPU-bound jobs |"
        f" {bound:.2f} ({1000 * two['tools']:.0f} ms ÷ {1000 * (two['tools'] + beside):.0f} ms)"
        " | - | - |",
        f"| P6 decomposed: the bare loop's 2 ÷ 1 gain * P2 / (1 worker ÷ 1 bare process) |"
        f" {statistics.median(bare_gains):.2f} * {p2:.2f} / {statistics.median(p2_ones):.2f}"
        f" = {statistics.median(bare_gains) * p2 / statistics.median(p2_ones):.2f}x | - | - |",
        f"| P2 / P6 with light jobs ({light_cpu:.1f} s of CPU each) |"
        f" {light[2]['rate'] / loops['light'][2]['rate']:.2f} /"
        f" {light[2]['rate'] / light[1]['rate']:.2f}x | - | - |",
        f"| CPU per job beside the tool, 2 workers: devhost HTTP + workers + Azurite;"
        f" CPU-bound / light jobs | {overhead['cpu-bound']} / {overhead['light']} | - | - |",
        f"| the tool's CPU per job in the pipeline ÷ in the bare loop, CPU-bound / light jobs"
        f" | {tool_cost['cpu-bound']:.2f}x / {tool_cost['light']:.2f}x | - | - |",
        f"| P6 longest wait of a job from upload to startedAt, 1 / 2 workers, CPU-bound jobs"
        f" | {workers['cpu-bound'][1]['longest_wait']:.1f} s /"
        f" {workers['cpu-bound'][2]['longest_wait']:.1f} s | - | - |",
        f"| history p50 (limit 10): 10,000 jobs ÷ 30 jobs | {ms(large)} ÷ {ms(small)} ="
        f" {large / small:.2f}x | ≤ 2x | {_verdict(large / small <= 2)} |",
        f"| history p50, a process's first read of the page (no remembered end), 10,000 ÷ 30"
        f" jobs | {ms(first_large)} ÷ {ms(first_small)} = {first_large / first_small:.2f}x"
        " | - | - |",
        f"| the same page as a bare SDK query (11 rows), 10,000 ÷ 30 jobs | {ms(bare_large)} ÷"
        f" {ms(bare_small)} = {bare_large / bare_small:.2f}x | - | - |",
        f"| Azurite alone: a bare SDK query for exactly 11 rows by a RowKey range, 10,000 ÷ 30"
        f" jobs | {ms(window_large)} ÷ {ms(window_small)} = {window_large / window_small:.2f}x"
        " | - | - |",
        f"| Azurite alone: a bare SDK query for a partition with no rows, same table,"
        f" 10,000 ÷ 30 jobs | {ms(empty_large)} ÷ {ms(empty_small)} ="
        f" {empty_large / empty_small:.2f}x | - | - |",
        f"| Azurite alone: a bare SDK point read in the tenant's partition, 10,000 ÷ 30 jobs"
        f" | {ms(point_large)} ÷ {ms(point_small)} = {point_large / point_small:.2f}x | - | - |",
        f"| before: the whole history read per call, 10,000 ÷ 30 jobs | {ms(whole_large)} ÷"
        f" {ms(whole_small)} = {whole_large / whole_small:.0f}x | - | - |",
        *[
            f"| P4 video-compressor, {v['size_mb']:.0f} MB video: peak RSS of the devhost worker"
            f" (after a first tiny job) / the tool tree | {v['host_peak_mb']:.0f} MB"
            f" ({v['host_start_mb']:.0f} MB)"
            f" / {v['tool_peak_mb']:.0f} MB in {v['seconds']:.0f} s | flat with file size | - |"
            for v in video.values()
        ],
        f"| P4 500 MB ÷ 50 MB: file size / worker peak / tool tree peak |"
        f" {large_video['size_mb'] / small_video['size_mb']:.1f}x /"
        f" {large_video['host_peak_mb'] / small_video['host_peak_mb']:.2f}x /"
        f" {large_video['tool_peak_mb'] / small_video['tool_peak_mb']:.2f}x | ≈ 1x for memory"
        f" | {_verdict(all(large_video[k] <= 1.2 * small_video[k] for k in PEAKS))} |",
        f"| P7 storage transactions per tiny job, excluding polling (blob / queue / table) |"
        f" {_sum(per_job, 'app'):.1f} ({_split(per_job, 'app')}), no progress write"
        f" | ≤ 12 without progress | {_verdict(_sum(per_job, 'app') <= 12)} |",
        f"| P7 API key reads per tiny job (the key cache's refresh, once per 30 s) |"
        f" {per_job['table', 'auth']:.1f} | - | - |",
        f"| P7 polling transactions per tiny job above the idle rate (blob / queue / table) |"
        f" {_sum(per_job, 'polling'):.1f} ({_split(per_job, 'polling')}) | - | - |",
        f"| P7 transactions per idle minute, one devhost worker: polling (blob / queue / table)"
        f" | {_sum(idle, 'polling'):.0f} ({_split(idle, 'polling')}); other:"
        f" {_sum(idle, 'app'):.0f} | reported | - |",
        f"| P7 transactions per job, {CPU_JOBS} light jobs at once through 2 workers, everything"
        f" counted (the client's status polls and the idle queues' polls included): app / polling"
        f" / API key | {_sum(burst, 'app'):.1f} ({_split(burst, 'app')}) /"
        f" {_sum(burst, 'polling'):.1f} ({_split(burst, 'polling')}) /"
        f" {_sum(burst, 'auth'):.1f} | - | - |",
        "",
        f"Machine load while measuring (1-minute load average at the end): {os.getloadavg()[0]:.1f}"
        f" on {os.cpu_count()} cores.",
        "",
    ]
    lines += [f"![{name}](bench/plots/{name})" for name in plots]
    return "\n".join(lines)


if __name__ == "__main__":
    print(run())
