"""Where the CLI puts a result: a file, a directory, or stdout; never over a file unasked.

`-o PATH` is a file; `-o DIR/` (or an existing directory) takes the output's own name;
`-o -` writes the bytes to stdout. A target that is one of the inputs, or any file that
already exists, is refused unless `--force`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from client.errors import OutputExistsError

__all__ = ["STDOUT", "Destination", "check_target", "parse_destination"]

STDOUT = "-"


@dataclass(frozen=True)
class Destination:
    """What `-o` asked for: stdout, a directory (the output keeps its name), or a file."""

    path: Path | None
    directory: bool = False

    @property
    def stdout(self) -> bool:
        return self.path is None

    def target(self, output_filename: str | None) -> Path | None:
        """The file to write, once the output's name is known; None for stdout."""
        if self.path is None:
            return None
        if self.directory:
            return self.path / Path(output_filename or "output").name
        return self.path


def parse_destination(raw: str) -> Destination:
    """argparse type for `-o`: `-`, a directory (ends in a slash, or exists), or a file."""
    if raw == STDOUT:
        return Destination(None)
    path = Path(raw)
    if raw.endswith(("/", "\\")):
        path.mkdir(parents=True, exist_ok=True)
    return Destination(path, directory=path.is_dir())


def check_target(target: Path, inputs: Sequence[Path] = (), *, force: bool = False) -> None:
    """Refuse (OutputExistsError) to write over an input or an existing file without --force."""
    if force:
        return
    resolved = target.resolve()
    if any(resolved == source.resolve() for source in inputs):
        raise OutputExistsError(
            f"{target} is one of the input files; choose another -o, or pass --force to replace it"
        )
    if target.exists():
        raise OutputExistsError(f"{target} already exists; choose another -o, or pass --force")
