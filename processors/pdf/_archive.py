"""Writing a tool's several result files as one ZIP, with a cap on the member count."""

from __future__ import annotations

import zipfile
from pathlib import Path

from processors.errors import LimitExceededError

__all__ = ["MAX_MEMBERS", "ZipWriter"]

MAX_MEMBERS = 1000


class ZipWriter:
    """A ZIP being written member by member; `add` refuses more than `max_members`."""

    def __init__(self, path: Path, *, compress: bool = True, max_members: int = MAX_MEMBERS):
        method = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
        self.path = path
        self._zip = zipfile.ZipFile(path, "w", compression=method)
        self._max_members = max_members
        self._count = 0

    def add(self, name: str, data: bytes) -> None:
        if self._count >= self._max_members:
            raise LimitExceededError(f"The result would hold over {self._max_members} files.")
        self._zip.writestr(name, data)
        self._count += 1

    def add_file(self, name: str, source: Path) -> None:
        if self._count >= self._max_members:
            raise LimitExceededError(f"The result would hold over {self._max_members} files.")
        self._zip.write(source, name)
        self._count += 1

    def __enter__(self) -> ZipWriter:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._zip.close()
