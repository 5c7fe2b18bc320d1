"""`python -m client` against devhost + Azurite: real uploads, real jobs, real files."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from client.cli import main
from tests.unit.processors.gpx.conftest import meridian_gpx

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


def test_a_wrong_key_fails_every_command_with_exit_2(
    cli_env: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    source = make_jpeg(tmp_path / "a.jpg")
    commands = [
        ["tools"],
        ["tools", "image-resizer"],
        ["history"],
        ["status", "0" * 32],
        ["download", "0" * 32, "-o", str(tmp_path / "x.png")],
        ["delete", "0" * 32],
        ["convert", str(source), "--tool", "image-format-converter", "--no-progress",
         "-o", str(tmp_path / "out.png")],
        ["convert", "--tool", "unit-converter"],
    ]  # fmt: skip
    for command in commands:
        code, _, err = run(capsys, "--api-key", "not-a-real-key", *command)
        assert code == 2 and "401" in err, command
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.jpg"]
    monkeypatch.delenv("MAGICTOOLBOX_API_KEY")
    code, _, err = run(capsys, "tools")
    assert code == 2 and "API key" in err


def test_an_existing_file_is_never_overwritten_without_force(
    cli_env: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = make_jpeg(tmp_path / "red.jpg")
    convert = ["convert", str(source), "--tool", "image-format-converter", "--no-progress",
               "--param", "outputFormat=png"]  # fmt: skip

    # A named output that exists, or is the input: refused before anything is uploaded.
    taken = tmp_path / "taken.png"
    taken.write_bytes(b"keep me")
    code, _, err = run(capsys, *convert, "-o", str(taken))
    assert code == 2 and "already exists" in err and taken.read_bytes() == b"keep me"
    code, _, err = run(capsys, *convert, "-o", str(source))
    assert code == 2 and "one of the input files" in err
    assert source.read_bytes()[:2] == b"\xff\xd8"  # still the JPEG

    # Into a directory: the name is known once the job is done; the result stays available.
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    existing = out_dir / "red.png"
    existing.write_bytes(b"older result")
    code, _, err = run(capsys, *convert, "-o", f"{out_dir}/")
    assert code == 2 and "already exists" in err and "download" in err
    assert existing.read_bytes() == b"older result"
    assert sorted(p.name for p in out_dir.iterdir()) == ["red.png"]  # no .part left behind

    code, _, err = run(capsys, *convert, "-o", f"{out_dir}/", "--force")
    assert code == 0, err
    with Image.open(existing) as image:
        assert image.format == "PNG"
    code, _, err = run(capsys, *convert, "-o", str(taken), "--force")
    assert code == 0, err
    assert taken.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_outputs_beside_their_inputs_get_names_of_their_own(
    cli_env: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pymupdf = pytest.importorskip("pymupdf")
    for name in ("report.pdf", "appendix.pdf"):
        document = pymupdf.open()
        document.new_page().insert_text((72, 72), name)
        document.save(tmp_path / name)
    make_jpeg(tmp_path / "photo.jpg")
    before = sorted(p.name for p in tmp_path.iterdir())
    code, _, err = run(
        capsys, "convert", str(tmp_path / "report.pdf"), str(tmp_path / "appendix.pdf"),
        "-t", "pdf-merge", "--no-progress", "-o", str(tmp_path),
    )  # fmt: skip
    assert code == 0, err
    code, out, err = run(
        capsys, "convert", str(tmp_path / "photo.jpg"), "-t", "image-compressor",
        "-p", "outputFormat=jpeg", "--no-progress", "-o", str(tmp_path),
    )  # fmt: skip
    assert code == 0, err
    assert "smaller than the input" in out or "larger than the input" in out or "size" in out
    after = sorted(p.name for p in tmp_path.iterdir())
    assert sorted(set(after) - set(before)) == ["photo-compressed.jpg", "report-merged.pdf"]


def test_dash_writes_the_result_to_stdout(cli_env: str, tmp_path: Path) -> None:
    source = make_jpeg(tmp_path / "red.jpg", (32, 20))
    result = subprocess.run(
        [sys.executable, "-m", "client", "convert", str(source), "--tool",
         "image-format-converter", "--param", "outputFormat=png", "-o", "-"],
        cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
        capture_output=True, check=False, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout[:8] == b"\x89PNG\r\n\x1a\n"  # only the image: bars go to stderr
    with Image.open(io.BytesIO(result.stdout)) as image:
        assert image.size == (32, 20)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["red.jpg"]


def test_data_results_are_printed_for_people_and_as_json(
    cli_env: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    monkeypatch.chdir(tmp_path)
    convert = ["convert", "--tool", "unit-converter", "--no-progress",
               "-p", "value=10", "-p", "fromUnit=km", "-p", "toUnit=mi"]  # fmt: skip
    code, out, err = run(capsys, *convert)
    assert code == 0, err
    assert out.strip() == "10 km = 6.21371192237 mi"
    code, out, _ = run(capsys, "--json", *convert)
    assert code == 0 and json.loads(out)["result"]["result"] == 6.21371192237
    assert list(tmp_path.iterdir()) == []  # shown, not saved

    track = meridian_gpx(tmp_path / "walk.gpx")
    code, out, err = run(capsys, "convert", str(track), "--tool", "gpx-analyzer", "--no-progress")
    assert code == 0, err
    rows = dict(re.split(r"\s{2,}", line, maxsplit=1) for line in out.strip().splitlines())
    assert rows["Track"] == "Meridian walk"
    assert rows["Distance"].endswith(" km") and rows["Moving time"] == "16 min 40 s"
    assert rows["Elevation gain"] == "100 m"

    code, out, err = run(capsys, "convert", str(track), "-t", "gpx-analyzer", "-o", "stats.json")
    assert code == 0, err
    assert json.loads((tmp_path / "stats.json").read_text())["trackCount"] == 1


def test_tools_name_prints_parameters_with_labels(
    cli_env: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "tools", "pdf-to-images")
    assert code == 0
    assert "jpegQuality  JPEG quality" in out
    assert "whole number, 10 to 100; default: 85" in out
    assert re.search(r"^ +jpeg +JPEG$", out, re.MULTILINE)
    code, _, err = run(capsys, "tools", "pdf-to-imagez")
    assert code == 2 and "did you mean pdf-to-images" in err
    code, out, _ = run(capsys, "tools", "unit-converter", "--json")
    assert json.loads(out)["parameters"]["properties"]["toUnit"]["x-optionsBy"]["field"] == (
        "quantity"
    )


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
    assert result.returncode == 0 and "usage: python -m client tools" in result.stdout


def test_pip_install_gives_a_magictoolbox_command(
    cli_env: str, api_key: str, tmp_path: Path
) -> None:
    """`pip install .` as a user would, into a target directory, from a copy of the sources."""
    source = tmp_path / "src"
    source.mkdir()
    shutil.copy(REPO_ROOT / "pyproject.toml", source)
    shutil.copytree(REPO_ROOT / "client", source / "client",
                    ignore=shutil.ignore_patterns("__pycache__"))  # fmt: skip
    target = tmp_path / "installed"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
         "--no-deps", "--no-build-isolation", "--target", str(target), str(source)],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    assert sorted(p.name for p in (target / "client").glob("*.py")) == sorted(
        p.name for p in (REPO_ROOT / "client").glob("*.py")
    )
    assert not (target / "processors").exists() and not (target / "shared").exists()
    command = target / "bin" / "magictoolbox"
    env = {**os.environ, "PYTHONPATH": str(target)}  # the dependencies come from this venv

    def magictoolbox(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(command), *args], cwd=tmp_path, env=env, capture_output=True, text=True,
            check=False, timeout=120,
        )  # fmt: skip

    result = magictoolbox("tools", "image-resizer")
    assert result.returncode == 0, result.stderr
    assert "mode  Resize mode" in result.stdout and "fit        Fit inside the box" in result.stdout
    result = magictoolbox("--api-key", "wrong", "history")
    assert result.returncode == 2 and "401" in result.stderr
    result = magictoolbox("--api-url", "http://127.0.0.1:9/api", "history")
    assert result.returncode == 3 and "cannot reach" in result.stderr


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


def test_a_refused_upload_is_an_api_error_naming_the_file(
    cli_env: str, api_key: str, tmp_path: Path
) -> None:
    from client import MagicToolboxClient
    from client.errors import ApiError

    source = make_jpeg(tmp_path / "holiday.jpg")
    with MagicToolboxClient(cli_env, api_key) as client:
        target = client.create_upload("image-compressor", [source])["upload"]
        forged = {**target, "url": re.sub(r"sig=[^&]+", "sig=forged", target["url"])}
        with pytest.raises(ApiError, match=r"upload of holiday\.jpg refused") as refused:
            client.upload([forged], [source])
    assert refused.value.status_code == 403
