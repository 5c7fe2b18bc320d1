"""`python -m client` against devhost + Azurite: real uploads, real jobs, real files."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from client.cli import main

pytestmark = pytest.mark.integration
REPO_ROOT = Path(__file__).resolve().parents[3]


def make_jpeg(path: Path, size: tuple[int, int] = (64, 48)) -> Path:
    Image.new("RGB", size, (200, 30, 30)).save(path, "JPEG")
    return path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_tools_lists_the_catalog(cli_env: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "tools")
    assert code == 0
    assert re.search(r"^image\s+image-format-converter\s", out, re.MULTILINE)


def test_convert_downloads_the_converted_image(
    cli_env: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = make_jpeg(tmp_path / "red.jpg")
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    code, out, err = run(
        capsys, "convert", str(source), "--tool", "image-format-converter",
        "--param", "outputFormat=png", "-o", str(out_dir),
    )  # fmt: skip
    assert code == 0, err
    saved = list(out_dir.iterdir())
    assert len(saved) == 1 and saved[0].suffix == ".png"
    with Image.open(saved[0]) as image:
        assert image.format == "PNG"
        assert image.size == (64, 48)
        assert image.getpixel((10, 10))[0] > 150  # still red
    execution_id = out.split(":")[0]

    code, out, _ = run(capsys, "--json", "status", execution_id)
    assert code == 0
    status = json.loads(out)
    assert status["status"] == "completed" and status["inputFilename"] == "red.jpg"

    code, out, _ = run(capsys, "history", "--tool", "image-format-converter")
    assert code == 0 and execution_id in out

    again = tmp_path / "again.png"
    code, _, _ = run(capsys, "download", execution_id, "-o", str(again))
    assert code == 0 and again.read_bytes() == saved[0].read_bytes()

    code, out, _ = run(capsys, "delete", execution_id)
    assert code == 0
    code, _, err = run(capsys, "status", execution_id)
    assert code == 2 and "404" in err


def test_a_failed_job_exits_1_with_its_message(
    cli_env: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = tmp_path / "not-an-image.jpg"
    fake.write_bytes(b"this is plain text, not a JPEG" * 10)
    code, _, err = run(
        capsys, "convert", str(fake), "--tool", "image-format-converter", "--no-progress",
        "-o", str(tmp_path),
    )  # fmt: skip
    assert code == 1
    assert "failed" in err and len(err.strip()) > len("job x failed: ")


def test_bad_key_and_missing_key_exit_2(
    cli_env: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "--api-key", "not-a-real-key", "history")
    assert code == 2 and "401" in err
    monkeypatch.delenv("MAGICTOOLBOX_API_KEY")
    code, _, err = run(capsys, "tools")
    assert code == 2 and "API key" in err


def test_unknown_tool_and_bad_param_are_usage_errors(
    cli_env: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = make_jpeg(tmp_path / "a.jpg")
    code, _, _ = run(capsys, "convert", str(source), "--tool", "no-such-tool")
    assert code == 2
    code, _, err = run(
        capsys, "convert", str(source), "--tool", "image-format-converter",
        "--param", "outputFormat=bmp", "--no-progress",
    )  # fmt: skip
    assert code == 2 and "400" in err


def test_module_entry_point_runs(cli_env: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "client", "tools", "--help"],
        cwd=REPO_ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0 and "usage" in result.stdout


def test_python_api_multi_file_merge(cli_env: str, api_key: str, tmp_path: Path) -> None:
    from client import MagicToolboxClient

    pymupdf = pytest.importorskip("pymupdf")
    paths = []
    for number in (1, 2):
        document = pymupdf.open()
        document.new_page().insert_text((72, 72), f"page from file {number}")
        paths.append(tmp_path / f"part{number}.pdf")
        document.save(paths[-1])
    with MagicToolboxClient(cli_env, api_key, poll_interval=0.5) as client:
        status = client.convert("pdf-merge", paths)
        target = client.download(status["executionId"], tmp_path / "merged.pdf")
    merged = pymupdf.open(target)
    assert merged.page_count == 2
    assert "file 1" in merged[0].get_text() and "file 2" in merged[1].get_text()
