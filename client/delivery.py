"""What `convert` does with a completed job: save its output where `-o` says, or fetch a
data result (JSON) to show it; and how that reads for people and for machines."""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from client.api import MagicToolboxClient
from client.errors import OutputExistsError
from client.output import Destination, check_target
from client.render import size_change
from client.results import result_text

__all__ = ["DATA_RESULT_LIMIT", "Delivered", "deliver", "save"]

DATA_RESULT_LIMIT = 4 * 1024 * 1024
"""A JSON result up to this size is shown in the terminal when no -o is given."""
HERE = Destination(Path(), directory=True)


@dataclass(frozen=True)
class Delivered:
    """A completed job's result, saved (`saved`), shown (`data` without `saved`), or sent
    to stdout (neither)."""

    status: dict[str, Any]
    saved: Path | None = None
    data: Any = None
    """A data result's parsed JSON (fetched to be shown, or read back from `saved`)."""
    is_data: bool = False

    def as_json(self) -> dict[str, Any]:
        saved = {"savedTo": str(self.saved)} if self.saved else {}
        return {**self.status, **saved, **({"result": self.data} if self.is_data else {})}

    def text_lines(self, tool: str) -> list[str]:
        """For people: a data result in words, and where the file went."""
        lines = [result_text(tool, self.data)] if self.is_data else []
        if self.saved is not None:
            lines.append(
                f"{self.status['executionId']}: saved {self.saved} ({size_change(self.status)})"
            )
        return lines


def _stdout() -> BinaryIO:
    stream: BinaryIO = sys.stdout.buffer
    return stream


def save(
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


def _fetch_json(client: MagicToolboxClient, execution_id: str) -> Any:
    buffer = io.BytesIO()
    client.download_to(execution_id, buffer)
    return json.loads(buffer.getvalue().decode("utf-8"))


def deliver(
    client: MagicToolboxClient,
    status: dict[str, Any],
    destination: Destination | None,
    *,
    inputs: Sequence[Path],
    force: bool,
    prog: str,
) -> Delivered:
    """Save the output (`destination`, by default the current directory), except that a
    data result with no destination is fetched to be shown instead."""
    execution_id = status["executionId"]
    name = status.get("outputFilename") or ""
    is_data = name.lower().endswith(".json") and (status.get("outputSize") or 0) <= (
        DATA_RESULT_LIMIT
    )
    if destination is None and is_data:
        return Delivered(status, data=_fetch_json(client, execution_id), is_data=True)
    try:
        saved = save(client, status, destination or HERE, inputs=inputs, force=force)
    except OutputExistsError as exc:
        raise OutputExistsError(
            f"{exc}; the result stays available: {prog} download {execution_id} -o PATH"
        ) from None
    if saved is None:
        return Delivered(status)
    data = json.loads(saved.read_text("utf-8")) if is_data else None
    return Delivered(status, saved=saved, data=data, is_data=is_data)
