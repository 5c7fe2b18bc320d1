"""Streaming memory of the pipeline: peak RSS of upload → ingest → process for a small and
a 9x larger file. If the path streams, the peak stays flat while the file grows.

Each size runs in a fresh spawned process against its own Azurite (on disk), driving the
same code the triggers call: the API handler, a SAS upload from a file, ingest, process.
The tool (base64-codec) runs in its own child process, not counted here. Peaks are VmHWM,
which starts afresh at exec (ru_maxrss would carry over the peak of the process that
spawned this one: `python -m bench` is large after bench_history).
"""

from __future__ import annotations

import json
import multiprocessing
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.memory import peak_rss_mb

MB = 1024 * 1024
SIZES_MB = (5, 25, 45)  # base64-codec accepts up to 50 MB


def _measure(connection_string: str, size: int, workdir: str) -> dict[str, float]:
    from azure.storage.blob import BlobClient

    from shared.api import tools as api_tools
    from shared.api.http import ApiRequest, handle
    from shared.context import Services
    from shared.pipeline.ingest import ingest_blob
    from shared.pipeline.process import process_message
    from shared.settings import Settings

    services = Services(Settings(storage_connection_string=connection_string))
    key, _ = services.keys.create("bench")
    source = Path(workdir, f"input-{size}.bin")
    with source.open("wb") as sink:
        for _ in range(size // MB):
            sink.write(os.urandom(MB))
    baseline = peak_rss_mb()
    started = time.perf_counter()
    request = ApiRequest(
        method="POST",
        url="http://bench/api/v1/tools/base64-codec/uploads/",
        headers={"X-API-Key": key},
        route={"tool": "base64-codec"},
        body=json.dumps({"filename": source.name, "size": size}).encode(),
    )
    job = json.loads(handle(services, request, api_tools.create_upload).body)
    with source.open("rb") as data:
        BlobClient.from_blob_url(
            job["upload"]["url"], max_block_size=4 * MB, max_single_put_size=4 * MB
        ).upload_blob(data, max_concurrency=2)
    blob_name = job["upload"]["url"].split("?")[0].split("/data-uploads/", 1)[1]
    ingest_blob(services, services.storage.blob_service.get_blob_client("data-uploads", blob_name))
    message = {"executionId": job["executionId"], "tenant": "bench", "tool": "base64-codec"}
    process_message(services, json.dumps(message), message_id="bench")
    elapsed = time.perf_counter() - started
    final = services.jobs.get("bench", job["executionId"])
    assert final is not None and final.status == "completed", final
    return {
        "baseline_mb": baseline,
        "peak_mb": peak_rss_mb(),
        "seconds": elapsed,
    }


def _child(connection_string: str, size: int, workdir: str, results: Any) -> None:
    results.put(_measure(connection_string, size, workdir))


def _run_one(connection_string: str, size: int, workdir: str) -> dict[str, float]:
    """In a fresh non-daemon process (the tool runner starts a child of its own)."""
    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    process = context.Process(target=_child, args=(connection_string, size, workdir, results))
    process.start()
    result: dict[str, float] = results.get(timeout=600)
    process.join()
    return result


def _throughput(
    connection_string: str, image: bytes, jobs: int, host_overrides: dict[str, str]
) -> float:
    """Seconds from the first request until `jobs` conversions completed, over HTTP.

    One devhost worker (one Function instance); `host_overrides` are app settings such as
    AzureFunctionsJobHost__extensions__queues__batchSize.
    """
    import httpx
    from azure.storage.blob import BlobClient

    from devhost.testing import run_devhost

    repo = Path(__file__).resolve().parent.parent
    key = f"bench-{time.time_ns()}"
    env = {
        **os.environ,
        "AzureWebJobsStorage": connection_string,
        "DEV_API_KEY": key,
        "DEVHOST_STARTUP_COMMAND": f"{sys.executable} -m shared.provision",
        "RATE_LIMIT_PER_MINUTE": "0",
        **host_overrides,
    }
    with run_devhost(repo, env=env, workers=1) as host:
        api = httpx.Client(base_url=f"{host.base_url}/api", headers={"X-API-Key": key}, timeout=60)
        started = time.perf_counter()
        ids = []
        for index in range(jobs):
            body = {
                "filename": f"p{index}.jpg",
                "size": len(image),
                "parameters": {"outputFormat": "webp"},
            }
            job = api.post("/v1/tools/image-format-converter/uploads/", json=body).json()
            BlobClient.from_blob_url(job["upload"]["url"]).upload_blob(image)
            ids.append(job["executionId"])
        pending = set(ids)
        while pending:
            time.sleep(0.2)
            for ident in list(pending):
                status = api.get(f"/v1/executions/{ident}/status/").json()["status"]
                if status in ("completed", "failed"):
                    assert status == "completed", ident
                    pending.discard(ident)
        return time.perf_counter() - started


def _throughput_section(connection_string: str) -> str:
    import io

    from PIL import Image

    jobs = 12
    buffer = io.BytesIO()
    Image.effect_mandelbrot((3000, 2000), (-2.0, -1.0, 1.0, 1.0), 100).convert("RGB").save(
        buffer, "JPEG", quality=90
    )
    image = buffer.getvalue()
    queues = json.loads((Path(__file__).resolve().parent.parent / "host.json").read_text())[
        "extensions"
    ]["queues"]
    prefix = "AzureFunctionsJobHost__extensions__queues__"
    serial = _throughput(
        connection_string,
        image,
        jobs,
        {f"{prefix}batchSize": "1", f"{prefix}newBatchThreshold": "0"},
    )
    concurrent = _throughput(connection_string, image, jobs, {})
    in_flight = queues["batchSize"] + queues["newBatchThreshold"]
    return "\n".join(
        [
            "## Pipeline: throughput of one instance, one job at a time vs host.json",
            "",
            f"{jobs} image-format-converter jobs (6 MP JPEG → WebP) submitted at once over HTTP",
            "with SAS uploads, into one devhost worker (one Function instance); time until all",
            "are completed. The same run with the queue trigger taking one message at a time",
            "(batchSize 1, newBatchThreshold 0, set as app settings) and with host.json's",
            f"batchSize {queues['batchSize']} + newBatchThreshold {queues['newBatchThreshold']}"
            f" (up to {in_flight} jobs in flight, each tool in its own process).",
            "",
            "| queue settings | time | jobs per second |",
            "| --- | --- | --- |",
            f"| one at a time | {serial:.1f} s | {jobs / serial:.2f} |",
            f"| host.json | {concurrent:.1f} s | {jobs / concurrent:.2f} |",
            "",
            f"host.json's concurrency: x{serial / concurrent:.2f} the throughput of one at a time"
            f" (on {os.cpu_count()} cores, shared with Azurite and the client).",
        ]
    )


def run() -> str:
    from devhost.azurite import start_azurite
    from shared.context import Services
    from shared.provision import provision
    from shared.settings import Settings

    rows: list[tuple[int, dict[str, Any]]] = []
    with tempfile.TemporaryDirectory(prefix="bench-pipeline-") as workdir:
        azurite = start_azurite(location=Path(workdir, "azurite"))
        try:
            settings = Settings(storage_connection_string=azurite.connection_string)
            provision(Services(settings).storage, say=lambda line: None)
            for size_mb in SIZES_MB:
                rows.append((size_mb, _run_one(azurite.connection_string, size_mb * MB, workdir)))
            throughput = _throughput_section(azurite.connection_string)
        finally:
            azurite.stop()
    small, large = rows[0][1], rows[-1][1]
    lines = [
        "## Pipeline: memory does not grow with file size",
        "",
        "Upload by SAS (4 MB blocks) → ingest (first 8 KB only) → process (blob streamed to a",
        "temp file, base64-codec in a child process, output streamed back), one fresh process",
        "per size. Peak RSS of the pipeline process; the tool's child process is not counted.",
        "",
        "| file | pipeline peak RSS | above start | time |",
        "| --- | --- | --- | --- |",
    ]
    for size_mb, r in rows:
        lines.append(
            f"| {size_mb} MB | {r['peak_mb']:.0f} MB | {r['peak_mb'] - r['baseline_mb']:.0f} MB "
            f"| {r['seconds']:.1f} s |"
        )
    lines += [
        "",
        f"File size x{SIZES_MB[-1] / SIZES_MB[0]:.0f}; pipeline peak x"
        f"{large['peak_mb'] / small['peak_mb']:.2f}; time x"
        f"{large['seconds'] / small['seconds']:.1f}.",
    ]
    return "\n".join(lines) + "\n\n" + throughput


if __name__ == "__main__":
    print(run())
