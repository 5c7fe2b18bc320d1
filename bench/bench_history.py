"""History page layouts on Azurite, side by side: why the tenant's history stays one partition.

The same jobs are written into two tables, one per layout of the history's partitions:
one partition per tenant (what `shared.jobs` does) and a partition per tenant and day
(the page would walk the tenant's days newest first, the cursor carrying the day). Each
table holds the same tenants: 300 jobs of another tenant, a tenant with 30 jobs, one with
10,000 jobs created over 30 days ("spread") and one with 10,000 created within 30 seconds
("burst"). A page is the bare SDK query for the newest 11 rows of the tenant (in the
bucketed layout: of its newest day), timed in interleaved rounds so that a busy machine
slows every layout alike; the floor is a query for a partition with no rows in the same
table (what Azurite charges any query there); the last row is a table holding only the
30-job tenant. Job rows only (the `id_` pointer rows that `shared.jobs` keeps beside each
job would double each partition).

Azurite evaluates every query's filter on every entity of its table and sorts all the
matches before cutting them to `top` (docs/api.md, "What a page costs"), so only rows
outside the queried partition are cheap. On Azure each of these pages is O(page).
"""

from __future__ import annotations

import itertools
import os
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

TENANT_JOBS = 10_000
SPREAD_DAYS = 30
ROUNDS = 30
PAGE = 11
LAYOUTS: dict[str, Callable[[str, datetime], str]] = {
    "one partition per tenant (chosen)": lambda tenant, at: tenant,
    "a partition per tenant and day": lambda tenant, at: f"{tenant}-{at:%Y%m%d}",
}
JOBS_QUERY = "PartitionKey eq @partition and RowKey lt @lookup"


def _jobs(count: int, spread: timedelta, now: datetime) -> list[tuple[datetime, str]]:
    from shared.naming import job_row_key, new_execution_id

    jobs = []
    for index in range(count):
        at = now - spread * index / count
        jobs.append((at, job_row_key(at, new_execution_id(at))))
    return jobs


def _fill(table: Any, layout: Callable[[str, datetime], str], tenants: dict[str, Any]) -> None:
    by_partition: dict[str, list[Any]] = {}
    for tenant, jobs in tenants.items():
        for at, row_key in jobs:
            entity = {
                "PartitionKey": layout(tenant, at),
                "RowKey": row_key,
                "tool": "base64-codec",
                "status": "completed",
                "created_at": at,
            }
            by_partition.setdefault(entity["PartitionKey"], []).append(("upsert", entity))
    for operations in by_partition.values():
        for start in range(0, len(operations), 100):
            table.submit_transaction(operations[start : start + 100])


def _page(table: Any, partition: str) -> Callable[[], None]:
    def read() -> None:
        rows = table.query_entities(
            JOBS_QUERY,
            parameters={"partition": partition, "lookup": "id_"},
            results_per_page=PAGE,
        )
        list(itertools.islice(rows, PAGE))

    return read


def _window(table: Any, partition: str, keys: list[str]) -> Callable[[], None]:
    """Exactly the 11 rows after the newest by a RowKey range: Azure's cheapest page."""
    query = "PartitionKey eq @partition and RowKey gt @after and RowKey lt @before"
    bounds = {"partition": partition, "after": keys[0], "before": keys[PAGE + 1]}
    return lambda: list(table.query_entities(query, parameters=bounds, results_per_page=PAGE))


def measure() -> dict[str, float]:
    from azure.data.tables import TableServiceClient

    from devhost.azurite import start_azurite

    now = datetime.now(UTC)
    tenants = {
        "other": _jobs(300, timedelta(days=SPREAD_DAYS), now),
        "small": _jobs(30, timedelta(days=SPREAD_DAYS), now),
        "spread": _jobs(TENANT_JOBS, timedelta(days=SPREAD_DAYS), now),
        "burst": _jobs(TENANT_JOBS, timedelta(seconds=30), now),
    }
    azurite = start_azurite()
    try:
        service = TableServiceClient.from_connection_string(azurite.connection_string)
        alone = service.create_table("historyalone")
        _fill(alone, LAYOUTS["one partition per tenant (chosen)"], {"small": tenants["small"]})
        reads: dict[str, Callable[[], None]] = {"alone": _page(alone, "small")}
        for index, (name, layout) in enumerate(LAYOUTS.items()):
            table = service.create_table(f"history{index}")
            _fill(table, layout, tenants)
            for tenant in ("small", "spread", "burst"):
                newest_at, _ = tenants[tenant][0]
                reads[f"{name}|{tenant}"] = _page(table, layout(tenant, newest_at))
            reads[f"{name}|floor"] = _page(table, "nobody")
            if index == 0:
                for tenant in ("spread", "burst"):
                    keys = sorted(key for _, key in tenants[tenant])
                    reads[f"range|{tenant}"] = _window(table, tenant, keys)
        times: dict[str, list[float]] = {key: [] for key in reads}
        for read in reads.values():
            read()
        for _ in range(ROUNDS):
            for key, read in reads.items():
                started = time.perf_counter()
                read()
                times[key].append(time.perf_counter() - started)
    finally:
        azurite.stop()
    return {key: statistics.median(values) for key, values in times.items()}


def run() -> str:
    figures = measure()
    ms: Callable[[float], str] = lambda s: f"{s * 1000:.1f} ms"  # noqa: E731
    alone = figures["alone"]
    lines = [
        "## History: page layouts on Azurite",
        "",
        __doc__.split("\n\n", 1)[1].strip(),
        "",
        "| layout (bare SDK, page of 11) | 30 jobs | 10,000 spread over 30 days | 10,000 at once"
        " | floor: no rows, same table |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for name in LAYOUTS:
        row = [figures[f"{name}|{part}"] for part in ("small", "spread", "burst", "floor")]
        cells = " | ".join(f"{ms(value)} ({value / alone:.1f}x)" for value in row)
        lines.append(f"| {name} | {cells} |")
    lines += [
        f"| one partition per tenant, the page as a RowKey range of 11 | - |"
        f" {ms(figures['range|spread'])} ({figures['range|spread'] / alone:.1f}x) |"
        f" {ms(figures['range|burst'])} ({figures['range|burst'] / alone:.1f}x) | - |",
        f"| 30 jobs in a table of their own | {ms(alone)} (1.0x) | - | - | - |",
        "",
        "In brackets: ÷ the 30 jobs alone. A bucketed layout reads its newest bucket only; a"
        " page that spans buckets, or a quiet tenant's empty buckets, would cost more requests"
        " (on Azure too, where the chosen layout needs one request whatever the history).",
        "",
        f"Machine load while measuring (1-minute load average at the end): {os.getloadavg()[0]:.1f}"
        f" on {os.cpu_count()} cores.",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    print(run())
