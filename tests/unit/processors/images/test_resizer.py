from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from processors.errors import InvalidInputError, LimitExceededError
from processors.registry import get_tool

from .conftest import MakeImage, Progress

TOOL = get_tool("image-resizer")


def resize(path: Path, out_dir: Path, **raw: object) -> Path:
    assert TOOL is not None
    return TOOL.run([path], out_dir, TOOL.parse_params(raw), Progress())


def test_fit_keeps_aspect(make_image: MakeImage, out_dir: Path) -> None:
    with Image.open(resize(make_image("in.jpg", (400, 200)), out_dir, width=100, height=100)) as r:
        assert r.size == (100, 50)
        assert r.format == "JPEG"  # same format as the input


def test_fill_crops_the_centre(make_image: MakeImage, out_dir: Path) -> None:
    output = resize(make_image("in.png", (400, 200)), out_dir, width=100, height=100, mode="fill")
    with Image.open(output) as result:
        assert result.size == (100, 100)
        rgb = result.convert("RGB")
        # The centre crop of red|blue keeps both halves, red still on the left.
        assert rgb.getpixel((10, 50))[0] > 150
        assert rgb.getpixel((90, 50))[2] > 150


def test_stretch_ignores_aspect(make_image: MakeImage, out_dir: Path) -> None:
    output = resize(make_image("in.png", (400, 200)), out_dir, width=50, height=120, mode="stretch")
    with Image.open(output) as result:
        assert result.size == (50, 120)


def test_thumbnail_is_square(make_image: MakeImage, out_dir: Path) -> None:
    output = resize(
        make_image("in.heic", (300, 200)), out_dir, width=64, mode="thumbnail", outputFormat="webp"
    )
    with Image.open(output) as result:
        assert result.size == (64, 64)
        assert result.format == "WEBP"


def test_no_enlarging_unless_asked(make_image: MakeImage, out_dir: Path) -> None:
    source = make_image("small.png", (50, 25))
    with Image.open(resize(source, out_dir, width=200)) as result:
        assert result.size == (50, 25)
    with Image.open(resize(source, out_dir, width=200, enlarge=True)) as result:
        assert result.size == (200, 100)


def test_enlarging_past_the_pixel_limit_is_refused(make_image: MakeImage, out_dir: Path) -> None:
    source = make_image("small.png", (50, 50))
    with pytest.raises(LimitExceededError, match="20000 x 20000 \\(400 MP\\); the limit is 100 MP"):
        resize(source, out_dir, width=20000, height=20000, enlarge=True)
    assert list(out_dir.iterdir()) == []


def test_bmp_becomes_png_for_same_format(make_image: MakeImage, out_dir: Path) -> None:
    output = resize(make_image("in.bmp", (100, 50)), out_dir, height=10)
    assert output.suffix == ".png"
    with Image.open(output) as result:
        assert result.size == (20, 10)


@pytest.mark.parametrize(
    ("raw", "message"),
    [({}, "Give a width, a height or both"), ({"width": 10, "mode": "fill"}, "needs both")],
)
def test_params_need_a_size(raw: dict[str, object], message: str) -> None:
    assert TOOL is not None
    with pytest.raises(InvalidInputError, match=message):
        TOOL.parse_params(raw)
