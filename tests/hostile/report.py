"""`make reliability`: write RELIABILITY.md from the full hostile campaign.

Reads the pipeline outcomes the campaign recorded (HOSTILE_REPORT, one JSON line per case)
and runs each case once more through its tool alone, in a fresh process, to measure the
tool tree's peak resident memory: the tool's own process, and the largest process it
started (FFmpeg). Usage: python -m tests.hostile.report OUTCOMES.jsonl RELIABILITY.md
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


def main(outcomes_path: str, report_path: str) -> None:
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
        "# Reliability: the hostile campaign\n\n"
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
        "| --- | --- | --- | --- | --- | ---: | ---: | ---: |\n" + "\n".join(rows) + "\n"
    )


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
