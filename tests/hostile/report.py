"""`make reliability`: write RELIABILITY.md from the full hostile campaign.

Reads the pipeline outcomes the campaign recorded (HOSTILE_REPORT, one JSON line per case)
and runs each case once more through its tool alone, in a fresh process, to measure the
tool tree's peak resident memory: the tool's own process, and the largest process it
started (FFmpeg). Appends the fault campaigns' outcomes (FAULTS_REPORT of tests/faults) when given.
Usage: python -m tests.hostile.report OUTCOMES.jsonl RELIABILITY.md [FAULTS.jsonl]
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.hostile.corpus import CASES

_MEASURE = """
import json, resource, sys
from pathlib import Path
from processors.errors import explain_failure
from processors.registry import get_tool
tool = get_tool(sys.argv[1])
params = json.loads(sys.argv[4])
try:
    tool.run([Path(sys.argv[2])], Path(sys.argv[3]), tool.parse_params(params), lambda p, s: None)
    outcome = "completed"
except Exception as exc:
    explained = explain_failure(exc)
    outcome = type(explained or exc).__name__
print(json.dumps({
    "outcome": outcome,
    # VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the forking parent across
    # exec, so it would report this report's own size, not the tool's.
    "self_mb": next(int(line.split()[1]) for line in open("/proc/self/status")
                    if line.startswith("VmHWM:")) // 1024,
    "children_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024,
}))
"""


def measure(case_name: str) -> dict[str, object]:
    case = next(c for c in CASES if c.name == case_name)
    with tempfile.TemporaryDirectory(prefix="hostile-") as work:
        source = Path(work) / "in" / case.filename.replace(":", "_").replace("|", "_")
        source.parent.mkdir()
        case.build(source, "http://127.0.0.1:9")
        out = Path(work) / "out"
        out.mkdir()
        done = subprocess.run(
            [
                sys.executable,
                "-c",
                _MEASURE,
                case.tool,
                str(source),
                str(out),
                json.dumps(case.params),
            ],
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    return json.loads(lines[-1]) if lines else {"outcome": f"exit {done.returncode}"}


FAULTS_INTRO = """
## Faults

`tests/faults/` (full runs: `FAULTS_FULL=1`; `make test` runs small ones): jobs submitted
as any client does (create, SAS upload) to devhost with two workers on an Azurite that keeps
its data on disk, then judged: every job final, a completed one with exactly one output
blob holding the right bytes, no upload left behind, devhost alive.

- **worker-kills**: a worker process SIGKILLed at random points while jobs are in flight
  (every other kill while it runs a tool); devhost starts a new one, the killed jobs'
  messages come back once their hold lapses. *retried*: jobs that needed more than one
  attempt. A job killed on all five deliveries would end `failed` (poison queue).
- **storage-restart**: Azurite stopped while jobs are queued and in flight, the API
  checked meanwhile (503 with Retry-After, not 401 or 500; /ready says not ready at once),
  then started again on the same data and ports: every job completes.

| campaign | jobs | faults | outcome | retried | seed |
| --- | ---: | ---: | --- | ---: | ---: |
"""


def faults_section(path: str) -> str:
    runs = [json.loads(line) for line in Path(path).read_text().splitlines() if line]
    rows = []
    for run in runs:
        faults = run.get("kills", run.get("outages", ""))
        unit = "kills" if "kills" in run else "outages"
        outcome = ", ".join(f"{n} {status}" for status, n in sorted(run["outcome"].items()))
        rows.append(
            f"| {run['campaign']} | {run['jobs']} | {faults} {unit} | {outcome} | "
            f"{run.get('retried', '')} | {run.get('seed', '')} |"
        )
    return FAULTS_INTRO + "\n".join(rows) + "\n"


def main(outcomes_path: str, report_path: str, faults_path: str | None = None) -> None:
    outcomes = [json.loads(line) for line in Path(outcomes_path).read_text().splitlines() if line]
    rows = []
    for outcome in outcomes:
        peak = measure(outcome["case"])
        rows.append(
            f"| `{outcome['case']}` | `{outcome['tool']}` | {outcome['status']} | "
            f"{outcome['code'] or ''} | {(outcome['message'] or '').replace('|', '/')[:90]} | "
            f"{outcome['seconds']} | {peak.get('self_mb', '?')} | {peak.get('children_mb', '?')} |"
        )
    counts: dict[str, int] = {}
    for outcome in outcomes:
        counts[outcome["status"]] = counts.get(outcome["status"], 0) + 1
    summary = ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))
    Path(report_path).write_text(
        "# Reliability: the hostile campaign and faults\n\n"
        "Written by `make reliability` (do not edit by hand): every case of the hostile corpus\n"
        "(`tests/hostile/corpus.py`, generated at run time) sent through the real flow on\n"
        "Azurite + devhost (HTTP → SAS upload → ingest → tool), judged by\n"
        "`tests/hostile/campaign.py`: a final state within the tool's timeout, a readable\n"
        "message and a stable code (or a correct output), uploads and partial outputs deleted,\n"
        "no network fetch (a local listener), devhost alive and an ordinary job completing\n"
        "after each batch. Peak RSS is measured by running the tool alone once more in a fresh\n"
        "process: the tool's process (its VmHWM), and the largest process it started (FFmpeg;\n"
        "an upper bound: Linux counts the tool's size at the fork into the child's peak).\n\n"
        f"{len(outcomes)} cases: {summary}. Seconds are end to end through the pipeline on a\n"
        "shared 2-core machine (load varies); they are not benchmarks.\n\n"
        "| case | tool | final | code | message | s | tool RSS MB | child RSS MB |\n"
        "| --- | --- | --- | --- | --- | ---: | ---: | ---: |\n"
        + "\n".join(rows)
        + "\n"
        + (faults_section(faults_path) if faults_path else "")
    )


if __name__ == "__main__":
    main(*sys.argv[1:4])
