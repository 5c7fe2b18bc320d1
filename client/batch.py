"""`convert --each`: one job per input file, `--jobs` of them at a time. Each result is
saved (or shown) as its job ends, and one file's failure does not stop the others; a
refusal that every file would meet (a wrong key, an unknown tool, bad parameters, the
service down or rate-limiting) stops the batch at once instead of repeating itself."""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import threading
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tqdm import tqdm

from client.api import MagicToolboxClient
from client.delivery import Delivered, deliver
from client.errors import ApiError, AuthError, ClientError, JobFailedError, UsageError
from client.exits import EXIT_FAILED, EXIT_OK, explain
from client.output import Destination
from client.render import size_change
from client.results import result_text

__all__ = ["run_each"]

BATCH_WIDE_CODES = frozenset(
    {"unknown_tool", "invalid_parameters", "files_expected", "invalid_body"}
)
"""API error codes about the request itself, not the file: every other file would get them."""


class CancelledError(Exception):
    """Ctrl-C: this file's upload or wait is abandoned (a job already sent goes on)."""


_STOPPING = "stopping: the other files would meet the same error"


@dataclass(frozen=True)
class Outcome:
    source: Path
    delivered: Delivered | None = None
    error: ClientError | TimeoutError | None = None

    def as_json(self) -> dict[str, Any]:
        if self.delivered is not None:
            return {"file": str(self.source), **self.delivered.as_json()}
        if isinstance(self.error, JobFailedError):
            return {"file": str(self.source), **self.error.status}
        code = self.error.code if isinstance(self.error, ApiError) else None
        return {"file": str(self.source), "error": str(self.error), "code": code}


def _stops_the_batch(error: ClientError | TimeoutError | None) -> bool:
    if isinstance(error, AuthError):
        return True
    if isinstance(error, ApiError):
        return error.unreachable or error.status_code == 429 or error.code in BATCH_WIDE_CODES
    return False


def check_destination(destination: Destination | None, files: list[Path]) -> None:
    """Several results need a directory (or none: the current one)."""
    if destination is None or destination.directory or len(files) <= 1:
        return
    if destination.stdout:
        raise UsageError("--each cannot write several results to stdout: give -o a directory")
    raise UsageError(
        "--each saves one result per file: -o must be a directory (end it in /),"
        f" not {destination.path}"
    )


def _one(
    client: MagicToolboxClient,
    args: argparse.Namespace,
    source: Path,
    destination: Destination | None,
    interrupted: threading.Event,
) -> Outcome:
    def unless_stopped(*_: Any) -> None:  # upload and poll callbacks
        if interrupted.is_set():
            raise CancelledError

    try:
        status = client.convert(
            args.tool,
            [source],
            dict(args.param),
            upload_progress=unless_stopped,
            on_update=unless_stopped,
        )
        delivered = deliver(
            client, status, destination, inputs=[source], force=args.force, prog=args.prog
        )
    except (ClientError, TimeoutError) as exc:
        return Outcome(source, error=exc)
    return Outcome(source, delivered=delivered)


def _show(outcome: Outcome, args: argparse.Namespace) -> None:
    """One file's result as it ends: a line on stdout, or the reason on stderr."""
    delivered = outcome.delivered
    if delivered is None:
        assert outcome.error is not None
        message, _ = explain(outcome.error, prog=args.prog, api_url=args.api_url)
        tqdm.write(f"{outcome.source}: {message}", file=sys.stderr)
        return
    status = delivered.status
    if delivered.saved is not None:
        tqdm.write(f"{outcome.source} -> {delivered.saved} ({size_change(status)})")
    elif delivered.is_data:
        tqdm.write(f"{outcome.source} ({status['executionId']}):")
    if delivered.is_data:
        tqdm.write(result_text(args.tool, delivered.data))


def _exit_code(outcomes: list[Outcome], args: argparse.Namespace) -> int:
    """0 when every job completed; the failures' exit code when they share one, else 1."""
    codes = {
        explain(o.error, prog=args.prog, api_url=args.api_url)[1]
        for o in outcomes
        if o.error is not None
    }
    if not codes:
        return EXIT_OK
    return codes.pop() if len(codes) == 1 else EXIT_FAILED


def run_each(client: MagicToolboxClient, args: argparse.Namespace) -> int:
    files: list[Path] = args.files
    destination: Destination | None = args.output
    check_destination(destination, files)
    interrupted = threading.Event()
    outcomes: list[Outcome] = []
    waiting = iter(files)
    slots = min(args.jobs, len(files))
    refused = False  # a batch-wide error: no more files are started (running ones end)
    with (
        tqdm(
            total=len(files), desc=args.tool, unit="file", disable=args.no_progress or args.json
        ) as bar,
        ThreadPoolExecutor(max_workers=slots) as pool,
    ):

        def start(count: int) -> set[Future[Outcome]]:
            return {
                pool.submit(_one, client, args, path, destination, interrupted)
                for path in itertools.islice(waiting, count)
            }

        running = start(slots)
        try:
            while running:
                done, running = wait(running, return_when=FIRST_COMPLETED)
                for future in done:
                    outcome = future.result()
                    outcomes.append(outcome)
                    bar.update()
                    batch_wide = _stops_the_batch(outcome.error)
                    if not args.json and not (batch_wide and refused):  # said once is enough
                        _show(outcome, args)
                    if batch_wide and not refused:
                        refused = True
                        if not args.json:
                            tqdm.write(_STOPPING, file=sys.stderr)
                if not refused:
                    running |= start(len(done))
        except KeyboardInterrupt:
            interrupted.set()  # the running uploads and waits stop at their next callback
            tqdm.write(
                f"stopping; jobs already sent go on: {args.prog} history lists them",
                file=sys.stderr,
            )
            raise
    if args.json:
        order = {path: index for index, path in enumerate(files)}
        outcomes.sort(key=lambda o: order[o.source])
        print(json.dumps([o.as_json() for o in outcomes], indent=2, ensure_ascii=False))
    else:
        _summary(outcomes, len(files))
    return _exit_code(outcomes, args)


def _summary(outcomes: list[Outcome], total: int) -> None:
    done = sum(o.delivered is not None for o in outcomes)
    failed = len(outcomes) - done
    parts = [f"{done} of {total} completed"]
    if failed:
        parts.append(f"{failed} failed")
    if total > len(outcomes):
        parts.append(f"{total - len(outcomes)} not run")
    print(", ".join(parts), file=sys.stderr)
