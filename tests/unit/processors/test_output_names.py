"""A result is named after its input but never as its input (it may be saved beside it)."""

from __future__ import annotations

from pathlib import Path

import pytest

from processors.base import output_file


@pytest.mark.parametrize(
    ("source", "extension", "expected"),
    [
        ("photo.jpg", ".webp", "photo.webp"),
        ("photo.jpg", ".jpg", "photo-compressed.jpg"),
        ("photo.JPEG", ".jpg", "photo-compressed.jpg"),
        ("scan.tif", ".tiff", "scan-compressed.tiff"),
        ("notes.txt", ".txt", "notes-compressed.txt"),
        ("notes.bin", ".txt", "notes.txt"),
        (".hidden", ".txt", ".hidden.txt"),
    ],
)
def test_output_file(tmp_path: Path, source: str, extension: str, expected: str) -> None:
    assert output_file(tmp_path, Path("in") / source, extension, "-compressed").name == expected
