from __future__ import annotations

import json
from pathlib import Path

import pytest
from PIL import Image

from processors.errors import InvalidInputError
from processors.images.exif import gps_decimal
from processors.registry import get_tool

from .conftest import LATITUDE, LONGITUDE, MakeAnimation, MakeImage, Progress, camera_exif

TOOL = get_tool("exif-extractor")


def extract(path: Path, out_dir: Path) -> dict:
    assert TOOL is not None
    output = TOOL.run([path], out_dir, TOOL.parse_params({}), Progress())
    assert output.suffix == ".json"
    return json.loads(output.read_text())


@pytest.mark.parametrize("name", ["photo.jpg", "photo.webp", "photo.heic"])
def test_reads_camera_exposure_dates_gps(make_image: MakeImage, out_dir: Path, name: str) -> None:
    report = extract(make_image(name, (80, 40), exif=camera_exif(orientation=6)), out_dir)
    assert report["hasExif"] is True
    assert {report["file"]["width"], report["file"]["height"]} == {80, 40}
    assert report["camera"]["make"] == "Canon"
    assert report["camera"]["model"] == "Canon EOS 5D"
    assert report["camera"]["lensModel"] == "EF 50mm f/1.8"
    assert report["exposure"]["exposureTime"] == "1/250 s"
    assert report["exposure"]["fNumber"] == pytest.approx(2.8)
    assert report["exposure"]["iso"] == 200
    assert report["exposure"]["focalLength"] == pytest.approx(50)
    assert report["dates"]["taken"] == "2024:05:01 10:20:30"
    assert report["gps"]["latitude"] == pytest.approx(LATITUDE, abs=1e-6)
    assert report["gps"]["longitude"] == pytest.approx(LONGITUDE, abs=1e-6)
    if name.endswith((".jpg", ".webp")):  # the TIFF and HEIC writers move orientation elsewhere
        assert report["orientation"] == {"value": 6, "description": "Rotated 90° clockwise"}
    assert report["tags"]["Make"] == "Canon"


def test_tiff_tags(make_image: MakeImage, out_dir: Path) -> None:
    # Pillow's TIFF writer keeps the main IFD, not the EXIF and GPS sub-IFDs.
    report = extract(make_image("photo.tiff", exif=camera_exif()), out_dir)
    assert report["camera"]["model"] == "Canon EOS 5D"
    assert report["dates"]["modified"] == "2024:05:01 10:20:30"


def test_image_without_exif(make_image: MakeImage, out_dir: Path) -> None:
    report = extract(make_image("plain.png"), out_dir)
    assert report["hasExif"] is False
    assert report["gps"] is None
    assert report["file"] == {
        "format": "PNG",
        "width": 80,
        "height": 40,
        "mode": "RGB",
        "frames": 1,
        "animated": False,
    }


@pytest.mark.parametrize("name", ["anim.gif", "anim.webp"])
def test_counts_the_frames_of_an_animation(
    make_animation: MakeAnimation, out_dir: Path, name: str
) -> None:
    report = extract(make_animation(name, (80, 40), frames=4), out_dir)
    assert (report["file"]["frames"], report["file"]["animated"]) == (4, True)
    assert (report["file"]["width"], report["file"]["height"]) == (80, 40)


def test_still_images_and_tiff_pages_are_not_animated(
    make_image: MakeImage, tmp_path: Path, out_dir: Path
) -> None:
    report = extract(make_image("still.gif"), out_dir)
    assert (report["file"]["frames"], report["file"]["animated"]) == (1, False)
    pages = tmp_path / "pages.tiff"
    Image.new("RGB", (20, 10)).save(pages, save_all=True, append_images=[Image.new("RGB", (5, 5))])
    report = extract(pages, out_dir)
    assert (report["file"]["frames"], report["file"]["animated"]) == (2, False)


def test_gps_south_and_west_are_negative() -> None:
    assert gps_decimal((33, 51, 54), "S") == pytest.approx(-33.865)
    assert gps_decimal((151, 12, 36), "E") == pytest.approx(151.21)
    assert gps_decimal((1, 2), "N") is None


def test_garbage_is_invalid(tmp_path: Path, out_dir: Path) -> None:
    path = tmp_path / "x.jpg"
    path.write_bytes(b"\xff\xd8\xff garbage")
    with pytest.raises(InvalidInputError, match="not a readable image"):
        extract(path, out_dir)


def test_is_a_sync_tool() -> None:
    assert TOOL is not None and TOOL.sync


def test_sample_with_exif(out_dir: Path) -> None:
    sample = Path("/work/shared/samples/sample.jpg")
    if not sample.exists():
        pytest.skip("sample.jpg is not here")
    report = extract(sample, out_dir)
    assert report["file"]["width"] == 800
    assert report["hasExif"] is True
