"""The `magictoolbox` command (also `python -m client`): tools, convert, status, history,
download, delete.

Environment: MAGICTOOLBOX_API_URL (default http://localhost:7071/api) and
MAGICTOOLBOX_API_KEY, or --api-url / --api-key. Exit codes (client/exits.py): 0 done,
1 the job failed, 2 usage or authentication error (a refused output too), 3 the service
cannot be reached. `convert --each` runs one job per file (client/batch.py).
"""

from __future__ import annotations

import argparse
import difflib
import json
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

from tqdm import tqdm

from client.api import FINAL_STATUSES, MagicToolboxClient
from client.batch import run_each
from client.delivery import deliver, save
from client.errors import ClientError, JobFailedError, UsageError
from client.exits import EXIT_FAILED, EXIT_OK, EXIT_USAGE, explain
from client.output import Destination, check_target
from client.parser import build_parser
from client.render import describe_tool, status_text

__all__ = ["main", "run"]


def _print_json(data: Any) -> None:
    print(json.dumps(data, indent=2, ensure_ascii=False))


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


def cmd_convert(client: MagicToolboxClient, args: argparse.Namespace) -> int:
    for path in args.files:
        if not path.is_file():
            raise UsageError(f"no such file: {path}")
    if args.each:
        if not args.files:
            raise UsageError("--each runs one job per input file: name at least one file")
        return run_each(client, args)
    destination: Destination | None = args.output
    if destination is not None and destination.path is not None and not destination.directory:
        check_target(destination.path, args.files, force=args.force)  # before any upload
    status = _run_job(client, args)
    delivered = deliver(
        client, status, destination, inputs=args.files, force=args.force, prog=args.prog
    )
    if delivered.saved is None and not delivered.is_data:
        return EXIT_OK  # the bytes went to stdout, with nothing else
    if args.json:
        _print_json(delivered.as_json())
    else:
        print("\n".join(delivered.text_lines(args.tool)))
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
    saved = save(client, status, args.output, force=args.force)
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
    except (ClientError, TimeoutError) as exc:
        message, code = explain(exc, prog=prog, api_url=args.api_url)
        print(message, file=sys.stderr)
        return code
    except KeyboardInterrupt:
        return _fail("interrupted", 130)


def run() -> NoReturn:
    """The `magictoolbox` console script."""
    sys.exit(main())
