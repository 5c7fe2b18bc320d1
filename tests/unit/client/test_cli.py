"""The CLI's argument handling, without a server."""

from __future__ import annotations

from pathlib import Path

from client.cli import _destination


def test_an_output_ending_in_a_slash_is_a_directory_created_on_demand(tmp_path: Path) -> None:
    target = _destination(f"{tmp_path}/new/out/")
    assert target.is_dir()


def test_an_output_without_a_slash_is_a_file_name(tmp_path: Path) -> None:
    target = _destination(f"{tmp_path}/result.webp")
    assert not target.exists() and target.name == "result.webp"
