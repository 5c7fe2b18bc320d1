"""`convert --each` against devhost + Azurite: one real job per file, results saved as they
end, failures reported per file, and a refusal every file would meet said once."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from PIL import Image

from tests.integration.client.test_cli import make_jpeg, run
from tests.unit.processors.gpx.conftest import meridian_gpx

pytestmark = pytest.mark.integration


def test_each_file_is_its_own_job_and_one_bad_file_stops_no_other(
    cli_env: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sources = [make_jpeg(tmp_path / f"{name}.jpg", size) for name, size in
               (("a", (64, 48)), ("b", (30, 20)), ("c", (16, 16)))]  # fmt: skip
    bad = tmp_path / "bad.jpg"
    bad.write_bytes(b"plain text in a .jpg" * 20)
    out_dir = tmp_path / "out"
    code, out, err = run(
        capsys, "convert", "--each", *map(str, [*sources, bad]), "-t", "image-format-converter",
        "-p", "outputFormat=png", "-o", f"{out_dir}/", "-j", "2", "--no-progress",
    )  # fmt: skip
    assert code == 1, err  # a job failed
    assert sorted(p.name for p in out_dir.iterdir()) == ["a.png", "b.png", "c.png"]
    for source in sources:
        with Image.open(out_dir / f"{source.stem}.png") as image, Image.open(source) as original:
            assert image.format == "PNG" and image.size == original.size
        assert f"{source} -> {out_dir / source.stem}.png (" in out
    assert re.search(rf"^{re.escape(str(bad))}: job \S+ failed: bad\.jpg: ", err, re.MULTILINE)
    assert err.strip().endswith("3 of 4 completed, 1 failed")

    code, out, _ = run(
        capsys, "--json", "convert", "--each", str(bad), str(sources[0]),
        "-t", "image-format-converter", "-p", "outputFormat=png", "-o", f"{tmp_path}/json/",
    )  # fmt: skip
    assert code == 1
    failed, completed = json.loads(out)  # in the order of the files given
    assert failed["file"] == str(bad) and failed["status"] == "failed" and failed["error"]
    assert completed["file"] == str(sources[0]) and completed["status"] == "completed"
    assert completed["savedTo"] == str(tmp_path / "json" / "a.png")


def test_a_refusal_every_file_would_meet_is_said_once_and_stops_the_batch(
    cli_env: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sources = [str(make_jpeg(tmp_path / f"{i}.jpg")) for i in range(3)]
    code, out, err = run(
        capsys, "convert", "--each", *sources, "-t", "image-compressor", "-p", "quality=500",
        "-j", "1", "-o", f"{tmp_path}/out/", "--no-progress",
    )  # fmt: skip
    assert code == 2 and out == ""
    assert err.count("Quality must be at most 100") == 1
    assert "stopping: the other files would meet the same error" in err
    assert err.strip().endswith("0 of 3 completed, 1 failed, 2 not run")
    assert list((tmp_path / "out").iterdir()) == []

    code, _, err = run(capsys, "--api-key", "not-a-real-key", "convert", "--each", *sources,
                       "-t", "image-compressor", "--no-progress")  # fmt: skip
    assert code == 2 and err.count("401") == 1


def test_data_results_are_shown_under_their_file_names(
    cli_env: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    walks = [meridian_gpx(tmp_path / name) for name in ("monday.gpx", "tuesday.gpx")]
    code, out, err = run(
        capsys, "convert", "--each", *map(str, walks), "-t", "gpx-analyzer", "--no-progress"
    )
    assert code == 0, err
    for walk in walks:
        assert re.search(rf"^{re.escape(str(walk))} \(\S+\):$", out, re.MULTILINE)
    assert len(re.findall(r"^Moving time +16 min 40 s$", out, re.MULTILINE)) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["monday.gpx", "tuesday.gpx"]
    assert err.strip() == "2 of 2 completed"
