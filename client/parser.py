"""The `magictoolbox` command line: its commands, options and help (see client/cli.py)."""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path
from typing import Any

from client.output import Destination, parse_destination

__all__ = ["DEFAULT_URL", "build_parser", "parse_param"]

DEFAULT_URL = "http://localhost:7071/api"
MAX_JOBS = 16
"""--jobs' ceiling: more would only queue behind the service's own workers."""
STATUSES = ("pending", "queued", "processing", "completed", "failed", "expired")

EPILOG = """examples:
  magictoolbox tools image-resizer
  magictoolbox convert photo.jpg -t image-format-converter -p outputFormat=webp
  magictoolbox convert report.pdf appendix.pdf -t pdf-merge -o merged.pdf
  magictoolbox convert -t unit-converter -p value=10 -p fromUnit=km -p toUnit=mi
  magictoolbox convert --each *.jpg -t image-compressor -o compressed/

exit codes: 0 done, 1 the job failed, 2 usage or authentication error,
3 the service cannot be reached.
environment: MAGICTOOLBOX_API_URL, MAGICTOOLBOX_API_KEY."""


def parse_param(text: str) -> tuple[str, Any]:
    """`k=v`; v is read as JSON when it parses (numbers, true/false), else as a string."""
    name, sep, raw = text.partition("=")
    if not sep or not name:
        raise argparse.ArgumentTypeError(f'expected NAME=VALUE, got "{text}"')
    try:
        return name, json.loads(raw)
    except ValueError:
        return name, raw


def _job_count(text: str) -> int:
    try:
        count = int(text)
    except ValueError:
        count = 0
    if not 1 <= count <= MAX_JOBS:
        raise argparse.ArgumentTypeError(
            f"expected a whole number from 1 to {MAX_JOBS}, got {text}"
        )
    return count


def _common(parser: argparse.ArgumentParser, *, top: bool) -> None:
    """Options accepted before or after the command (after it, they override)."""

    def default(value: Any) -> Any:
        return value if top else argparse.SUPPRESS

    parser.add_argument(
        "--api-url",
        metavar="URL",
        default=default(os.environ.get("MAGICTOOLBOX_API_URL", DEFAULT_URL)),
        help=f"the API's base URL (default: $MAGICTOOLBOX_API_URL or {DEFAULT_URL})",
    )
    parser.add_argument(
        "--api-key",
        metavar="KEY",
        default=default(os.environ.get("MAGICTOOLBOX_API_KEY")),
        help="your API key (default: $MAGICTOOLBOX_API_KEY)",
    )
    parser.add_argument(
        "--json",
        action="store_true",
        default=default(False),
        help="print JSON for machines instead of text for people",
    )


def build_parser(prog: str = "magictoolbox") -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=prog,
        description="Convert and process files with MagicToolbox from the command line.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _common(parser, top=True)
    parser.set_defaults(prog=prog)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, text: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(
            name,
            help=text,
            description=text,
            epilog=EPILOG,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        _common(sub, top=False)
        return sub

    tools = command("tools", "list the tools, or show one tool's parameters")
    tools.add_argument("name", nargs="?", metavar="NAME", help="a tool's name: its parameters")

    convert = command("convert", "upload file(s), run a tool, save or show the result")
    convert.add_argument(
        "files",
        nargs="*",
        type=Path,
        metavar="FILE",
        help="input files, in order (none for a tool that takes no file)",
    )
    convert.add_argument("--tool", "-t", required=True, help="the tool's name (see: tools)")
    convert.add_argument(
        "--param",
        "-p",
        action="append",
        type=parse_param,
        default=[],
        metavar="NAME=VALUE",
        help="a tool parameter (repeat for several); VALUE is read as JSON when it can be "
        "(80, true), else as text; `tools NAME` lists them",
    )
    convert.add_argument(
        "-o",
        "--output",
        type=parse_destination,
        default=None,
        metavar="PATH",
        help="a file, a directory (ends in / or exists: the output keeps its name), or - for "
        "stdout; default: the current directory, except that data results (JSON) are printed",
    )
    convert.add_argument(
        "--force", action="store_true", help="replace an existing file, even an input"
    )
    convert.add_argument("--no-progress", action="store_true", help="no progress bars on stderr")
    convert.add_argument(
        "--each",
        action="store_true",
        help="one job per input file instead of one job for them all; results go to the -o "
        "directory (default: here) as each job ends, and a failed file does not stop the others",
    )
    convert.add_argument(
        "--jobs",
        "-j",
        type=_job_count,
        default=4,
        metavar="N",
        help="with --each: how many files are uploaded and processed at a time (1-16, default 4)",
    )

    status = command("status", "show one execution")
    status.add_argument("id", metavar="ID", help="the execution's ID")

    history = command("history", "list recent executions, newest first")
    history.add_argument("--tool", help="only this tool's executions")
    history.add_argument("--status", choices=STATUSES, help="only executions in this state")
    history.add_argument("--limit", type=int, default=20, help="how many (1-50, default 20)")

    download = command("download", "save an execution's output")
    download.add_argument("id", metavar="ID", help="the execution's ID")
    download.add_argument(
        "-o",
        "--output",
        type=parse_destination,
        default=Destination(Path(), directory=True),
        metavar="PATH",
        help="a file, a directory (ends in / or exists), or - for stdout; default: here",
    )
    download.add_argument("--force", action="store_true", help="replace an existing file")

    delete = command("delete", "delete executions and their files")
    delete.add_argument("ids", nargs="+", metavar="ID", help="execution IDs (several: one call)")
    return parser
