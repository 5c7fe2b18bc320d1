"""The `magictoolbox` command (also `python -m client`): tools, convert, status, history,
download, delete.

Environment: MAGICTOOLBOX_API_URL (default http://localhost:7071/api) and
MAGICTOOLBOX_API_KEY, or --api-url / --api-key. Exit codes: 0 done, 1 the job failed,
2 usage or authentication error (a refused output too), 3 the service cannot be reached.
"""

from __future__ import annotations

import argparse
import difflib
import io
import json
import math
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, BinaryIO, NoReturn

from tqdm import tqdm

from client.api import FINAL_STATUSES, MagicToolboxClient
from client.errors import (
    ApiError,
    AuthError,
    ClientError,
    JobFailedError,
    OutputExistsError,
    UsageError,
)
from client.output import Destination, check_target
from client.parser import build_parser
from client.render import describe_tool, size_change, status_text
from client.results import result_text

__all__ = ["main", "run"]

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_UNREACHABLE = 0, 1, 2, 3
DATA_RESULT_LIMIT = 4 * 1024 * 1024
"""A JSON result up to this size is shown in the terminal when no -o is given."""


def _print_json(data: Any) -> None:
    print(json.dumps(data, indent=2, ensure_ascii=False))


def _stdout() -> BinaryIO:
    stream: BinaryIO = sys.stdout.buffer
    return stream


# -- commands ---------------------------------------------------------------------------------


def cmd_tools(client: MagicToolboxClient, args: argparse.Namespace) -> int:
    client.check_key()  # the catalog is public: a wrong key must still fail here
    tools = client.tools()
    if args.name:
        found = next((tool for tool in tools if tool["name"] == args.name), None)
        if found is None:
            near = difflib.get_close_matches(args.name, [t["name"] for t in tools], n=3)
            hint = f" (did you mean {' or '.join(near)}?)" if near else ""
            raise UsageError(f"there is no tool called {args.name}{hint}")
        if args.json:
            _print_json(found)
        else:
            print(describe_tool(found))
        return EXIT_OK
    if args.json:
        _print_json(tools)
        return EXIT_OK
    for tool in tools:
        print(f"{tool['category']:<12} {tool['name']:<24} {tool['displayName']}")
    print("\nmagictoolbox tools NAME shows a tool's parameters.")
    return EXIT_OK


PERCENT_BAR = "{desc}: {percentage:3.0f}%|{bar}| {elapsed}{postfix}"
"""The processing bar: percent and time so far; tqdm's default would show a rate in "%/s"."""


def _run_job(client: MagicToolboxClient, args: argparse.Namespace) -> dict[str, Any]:
    """Upload (with a byte bar), wait (with a percent bar), return the completed status."""
    quiet = args.no_progress or args.json
    total = sum(p.stat().st_size for p in args.files)
    upload_bar = tqdm(
        total=total, unit="B", unit_scale=True, desc="upload", disable=quiet or not args.files
    )
    bars: list[tqdm] = []  # the processing bar starts once the upload bar is closed

    def on_upload(done: int, _total: int) -> None:
        upload_bar.update(done - upload_bar.n)

    def on_update(status: dict[str, Any]) -> None:
        if not bars:
            upload_bar.close()
            bars.append(tqdm(total=100, desc="process", bar_format=PERCENT_BAR, disable=quiet))
        process_bar = bars[0]
        process_bar.set_postfix_str(status.get("currentStep") or status["status"])
        process_bar.update(round(status.get("progress") or 0) - process_bar.n)

    try:
        return client.convert(
            args.tool, args.files, dict(args.param), upload_progress=on_upload, on_update=on_update
        )
    finally:
        upload_bar.close()
        for bar in bars:
            bar.close()


def _fetch_json(client: MagicToolboxClient, execution_id: str) -> Any:
    buffer = io.BytesIO()
    client.download_to(execution_id, buffer)
    return json.loads(buffer.getvalue().decode("utf-8"))


def _save(
    client: MagicToolboxClient,
    status: dict[str, Any],
    destination: Destination,
    *,
    inputs: Sequence[Path] = (),
    force: bool,
) -> Path | None:
    """Write the output where `destination` says (None: it went to stdout)."""
    target = destination.target(status.get("outputFilename"))
    if target is None:
        client.download_to(status["executionId"], _stdout())
        return None
    check_target(target, inputs, force=force)
    return client.download(status["executionId"], target)


def cmd_convert(client: MagicToolboxClient, args: argparse.Namespace) -> int:
    for path in args.files:
        if not path.is_file():
            raise UsageError(f"no such file: {path}")
    destination: Destination | None = args.output
    if destination is not None and destination.path is not None and not destination.directory:
        check_target(destination.path, args.files, force=args.force)  # before any upload
    status = _run_job(client, args)
    execution_id = status["executionId"]
    name = status.get("outputFilename") or ""
    is_data = name.lower().endswith(".json") and (status.get("outputSize") or 0) <= (
        DATA_RESULT_LIMIT
    )
    if destination is None and is_data:  # a data result: shown, not saved
        data = _fetch_json(client, execution_id)
        if args.json:
            _print_json({**status, "result": data})
        else:
            print(result_text(args.tool, data))
        return EXIT_OK
    try:
        saved = _save(
            client,
            status,
            destination or Destination(Path(), directory=True),
            inputs=args.files,
            force=args.force,
        )
    except OutputExistsError as exc:
        raise OutputExistsError(
            f"{exc}; the result stays available: {args.prog} download {execution_id} -o PATH"
        ) from None
    if saved is None:
        return EXIT_OK
    if args.json:
        result = {"result": json.loads(saved.read_text("utf-8"))} if is_data else {}
        _print_json({**status, "savedTo": str(saved), **result})
        return EXIT_OK
    if is_data:
        print(result_text(args.tool, json.loads(saved.read_text("utf-8"))))
    print(f"{execution_id}: saved {saved} ({size_change(status)})")
    return EXIT_OK


def cmd_status(client: MagicToolboxClient, args: argparse.Namespace) -> int:
    status = client.status(args.id)
    if args.json:
        _print_json(status)
    else:
        print(status_text(status))
    return EXIT_FAILED if status["status"] == "failed" else EXIT_OK


def cmd_history(client: MagicToolboxClient, args: argparse.Namespace) -> int:
    page = client.history(tool_name=args.tool, status=args.status, limit=args.limit)
    if args.json:
        _print_json(page)
        return EXIT_OK
    for item in page["results"]:
        name = item.get("inputFilename") or "-"
        print(f"{item['executionId']}  {item['status']:<10} {item['toolName']:<24} {name}")
    more = "+" if page.get("approximate") else ""
    print(f"{page['count']}{more} execution(s)")
    return EXIT_OK


def cmd_download(client: MagicToolboxClient, args: argparse.Namespace) -> int:
    status = client.status(args.id)
    if status["status"] in FINAL_STATUSES and status["status"] != "completed":
        raise JobFailedError(status)
    if status["status"] != "completed":
        raise UsageError(f"execution {args.id} is still {status['status']}: nothing to save yet")
    saved = _save(client, status, args.output, force=args.force)
    if saved is not None:
        print(json.dumps({"savedTo": str(saved)}) if args.json else f"saved {saved}")
    return EXIT_OK


def cmd_delete(client: MagicToolboxClient, args: argparse.Namespace) -> int:
    if len(args.ids) == 1:
        client.delete(args.ids[0])
        print(json.dumps({"deleted": 1}) if args.json else f"deleted {args.ids[0]}")
        return EXIT_OK
    result = client.bulk_delete(args.ids)
    if args.json:
        _print_json(result)
    else:
        print(f"deleted {result.get('deleted')}, failed {result.get('failed')}")
    return EXIT_FAILED if result.get("failed") else EXIT_OK


COMMANDS = {
    "tools": cmd_tools,
    "convert": cmd_convert,
    "status": cmd_status,
    "history": cmd_history,
    "download": cmd_download,
    "delete": cmd_delete,
}


def _fail(message: str, code: int) -> int:
    print(f"error: {message}", file=sys.stderr)
    return code


def main(argv: Sequence[str] | None = None, *, prog: str = "magictoolbox") -> int:
    parser = build_parser(prog)
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors, 0 on --help
        return int(exc.code or 0)
    if not args.api_key:
        return _fail("no API key: set MAGICTOOLBOX_API_KEY or pass --api-key", EXIT_USAGE)
    try:
        with MagicToolboxClient(args.api_url, args.api_key) as client:
            return COMMANDS[args.command](client, args)
    except JobFailedError as exc:
        status = exc.status
        print(f"job {status.get('executionId')} {status.get('status')}: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except AuthError as exc:
        return _fail(f"{exc}: check MAGICTOOLBOX_API_KEY or --api-key", EXIT_USAGE)
    except ApiError as exc:
        if exc.status_code == 429:
            later = f" in {math.ceil(exc.retry_after)} s" if exc.retry_after else " later"
            return _fail(f"{exc}: try again{later}", EXIT_UNREACHABLE)
        if exc.unreachable:
            return _fail(f"{exc} (is the service running at {args.api_url}?)", EXIT_UNREACHABLE)
        usage = exc.status_code in (400, 404, 409, 413, 415, 422)
        return _fail(str(exc), EXIT_USAGE if usage else EXIT_FAILED)
    except (UsageError, OutputExistsError) as exc:
        return _fail(str(exc), EXIT_USAGE)
    except TimeoutError as exc:
        return _fail(f"{exc}; see later with: {prog} status ID", EXIT_FAILED)
    except ClientError as exc:
        return _fail(str(exc), EXIT_FAILED)
    except KeyboardInterrupt:
        return _fail("interrupted", 130)


def run() -> NoReturn:
    """The `magictoolbox` console script."""
    sys.exit(main())
