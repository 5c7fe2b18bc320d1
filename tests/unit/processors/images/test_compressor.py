from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from processors.registry import get_tool

from .conftest import MakeImage, Progress, camera_exif

TOOL = get_tool("image-compressor")


@pytest.fixture
def photo(tmp_path: Path) -> Path:
    """A noisy 600 x 400 photo-like JPEG: big enough that quality matters."""
    path = tmp_path / "photo.jpg"
    noise = Image.effect_noise((600, 400), 50).convert("RGB")
    gradient = Image.linear_gradient("L").resize((600, 400)).convert("RGB")
    Image.blend(noise, gradient, 0.5).save(path, quality=95, exif=camera_exif())
    return path


def compress(path: Path, out_dir: Path, progress: Progress | None = None, **raw: object) -> Path:
    assert TOOL is not None
    return TOOL.run([path], out_dir, TOOL.parse_params(raw), progress or Progress())


@pytest.mark.parametrize(
    ("fmt", "pil_format"), [("webp", "WEBP"), ("avif", "AVIF"), ("jpeg", "JPEG")]
)
def test_formats_are_smaller_and_stripped(
    photo: Path, out_dir: Path, fmt: str, pil_format: str
) -> None:
    output = compress(photo, out_dir, outputFormat=fmt, quality=60)
    assert output.stat().st_size < photo.stat().st_size
    with Image.open(output) as result:
        assert result.format == pil_format
        assert result.size == (600, 400)
        assert len(result.getexif()) == 0


def test_target_size_is_met_with_the_best_quality(photo: Path, out_dir: Path) -> None:
    progress = Progress()
    output = compress(photo, out_dir, progress, outputFormat="jpeg", targetSizeKb=30)
    size = output.stat().st_size
    assert size <= 30 * 1024
    assert size > 15 * 1024  # not needlessly small: the search climbs back up
    assert progress.percents == sorted(progress.percents)
    assert any("quality" in step for _, step in progress.calls)


def test_unreachable_target_gives_the_smallest_file(photo: Path, out_dir: Path) -> None:
    output = compress(photo, out_dir, outputFormat="webp", targetSizeKb=5, maxWidth=600)
    assert (
        output.stat().st_size
        < compress(photo, out_dir, outputFormat="webp", quality=50).stat().st_size
    )


def test_max_dimensions(make_image: MakeImage, out_dir: Path) -> None:
    source = make_image("wide.png", size=(500, 100))
    with Image.open(compress(source, out_dir, maxWidth=250, maxHeight=250)) as result:
        assert result.size == (250, 50)
