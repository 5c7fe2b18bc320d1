"""The command line: tools, convert, status, history, download, delete.

Environment: MAGICTOOLBOX_API_URL (default http://localhost:7071/api) and
MAGICTOOLBOX_API_KEY, or --api-url / --api-key. Exit codes: 0 done, 1 the job failed
(its message is printed), 2 usage or authentication error.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from tqdm import tqdm

from client.api import MagicToolboxClient
from client.errors import ApiError, AuthError, ClientError, JobFailedError

__all__ = ["main"]

DEFAULT_URL = "http://localhost:7071/api"
EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def _destination(raw: str) -> Path:
    """An output path; one ending in a slash is a directory, created when missing."""
    path = Path(raw)
    if raw.endswith(("/", "\\")):
        path.mkdir(parents=True, exist_ok=True)
    return path


def parse_param(text: str) -> tuple[str, Any]:
    """`k=v`; v is read as JSON when it parses (numbers, true/false), else as a string."""
    name, sep, raw = text.partition("=")
    if not sep or not name:
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, got {text!r}")
    try:
        return name, json.loads(raw)
    except ValueError:
        return name, raw


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m client", description=__doc__.split("\n")[0])
    parser.add_argument("--api-url", default=os.environ.get("MAGICTOOLBOX_API_URL", DEFAULT_URL))
    parser.add_argument("--api-key", default=os.environ.get("MAGICTOOLBOX_API_KEY"))
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    commands = parser.add_subparsers(dest="command", required=True)

    commands.add_parser("tools", help="list the tool catalog")
    convert = commands.add_parser("convert", help="upload file(s), process, download")
    convert.add_argument("files", nargs="*", type=Path, metavar="FILE")
    convert.add_argument("--tool", "-t", required=True)
    convert.add_argument("--param", "-p", action="append", type=parse_param, default=[])
    convert.add_argument(
        "-o", "--output", type=_destination, default=Path(), help="file, or directory (ends in /)"
    )
    convert.add_argument("--no-progress", action="store_true")
    status = commands.add_parser("status", help="show one execution")
    status.add_argument("id")
    history = commands.add_parser("history", help="list recent executions, newest first")
    history.add_argument("--tool")
    history.add_argument("--status")
    history.add_argument("--limit", type=int, default=20)
    download = commands.add_parser("download", help="save an execution's output")
    download.add_argument("id")
    download.add_argument("-o", "--output", type=_destination, default=Path())
    delete = commands.add_parser("delete", help="delete executions and their files")
    delete.add_argument("ids", nargs="+", metavar="ID")
    return parser


def _print_status(status: dict[str, Any]) -> None:
    for key in ("executionId", "toolName", "status", "progress", "currentStep",
                "inputFilename", "outputFilename", "inputSize", "outputSize",
                "processingTime", "createdAt", "expiresAt", "error"):  # fmt: skip
        if status.get(key) not in (None, ""):
            print(f"{key:>15}: {status[key]}")


def cmd_tools(client: MagicToolboxClient, args: argparse.Namespace) -> int:
    tools = client.tools()
    if args.json:
        print(json.dumps(tools, indent=2))
        return EXIT_OK
    for tool in tools:
        print(f"{tool['category']:<12} {tool['name']:<28} {tool['displayName']}")
    return EXIT_OK


def cmd_convert(client: MagicToolboxClient, args: argparse.Namespace) -> int:
    for path in args.files:
        if not path.is_file():
            print(f"error: no such file: {path}", file=sys.stderr)
            return EXIT_USAGE
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
            bars.append(tqdm(total=100, desc="process", unit="%", disable=quiet))
        process_bar = bars[0]
        process_bar.set_postfix_str(status.get("currentStep") or status["status"])
        process_bar.update(round(status.get("progress") or 0) - process_bar.n)

    try:
        status = client.convert(
            args.tool, args.files, dict(args.param), upload_progress=on_upload, on_update=on_update
        )
    finally:
        upload_bar.close()
        for bar in bars:
            bar.close()
    target = client.download(status["executionId"], args.output)
    if args.json:
        print(json.dumps({**status, "savedTo": str(target)}, indent=2))
    else:
        print(f"{status['executionId']}: saved {target}")
    return EXIT_OK


def cmd_status(client: MagicToolboxClient, args: argparse.Namespace) -> int:
    status = client.status(args.id)
    if args.json:
        print(json.dumps(status, indent=2))
    else:
        _print_status(status)
    return EXIT_FAILED if status["status"] == "failed" else EXIT_OK


def cmd_history(client: MagicToolboxClient, args: argparse.Namespace) -> int:
    page = client.history(tool_name=args.tool, status=args.status, limit=args.limit)
    if args.json:
        print(json.dumps(page, indent=2))
        return EXIT_OK
    for item in page["results"]:
        name = item.get("inputFilename") or "-"
        print(f"{item['executionId']}  {item['status']:<10} {item['toolName']:<26} {name}")
    more = "+" if page.get("approximate") else ""
    print(f"{page['count']}{more} execution(s)")
    return EXIT_OK


def cmd_download(client: MagicToolboxClient, args: argparse.Namespace) -> int:
    print(f"saved {client.download(args.id, args.output)}")
    return EXIT_OK


def cmd_delete(client: MagicToolboxClient, args: argparse.Namespace) -> int:
    if len(args.ids) == 1:
        client.delete(args.ids[0])
        print(f"deleted {args.ids[0]}")
        return EXIT_OK
    result = client.bulk_delete(args.ids)
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


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors, 0 on --help
        return int(exc.code or 0)
    if not args.api_key:
        print("error: no API key: set MAGICTOOLBOX_API_KEY or pass --api-key", file=sys.stderr)
        return EXIT_USAGE
    try:
        with MagicToolboxClient(args.api_url, args.api_key) as client:
            return COMMANDS[args.command](client, args)
    except JobFailedError as exc:
        print(
            f"job {exc.status.get('executionId')} {exc.status.get('status')}: {exc}",
            file=sys.stderr,
        )
        return EXIT_FAILED
    except AuthError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except ApiError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE if exc.status_code in (400, 404, 413, 415) else EXIT_FAILED
    except ClientError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_FAILED
