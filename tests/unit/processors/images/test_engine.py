from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from processors.errors import InvalidInputError, LimitExceededError
from processors.images import animation, engine

from .conftest import MakeImage


def test_check_pixels() -> None:
    engine.check_pixels(10_000, 10_000)  # exactly 100 MP is allowed
    with pytest.raises(LimitExceededError, match=r"10001 x 10000 pixels \(100 MP\)"):
        engine.check_pixels(10_001, 10_000)
    with pytest.raises(LimitExceededError, match="the limit is 1 MP"):
        engine.check_pixels(2000, 1000, max_pixels=1_000_000)
    with pytest.raises(InvalidInputError):
        engine.check_pixels(0, 10)


def test_check_pixels_counts_every_frame() -> None:
    engine.check_pixels(1000, 1000, frames=100)  # 100 frames of 1 MP: exactly 100 MP
    with pytest.raises(LimitExceededError, match=r"101 frames of 1000 x 1000 pixels \(101 MP"):
        engine.check_pixels(1000, 1000, frames=101)
    engine.check_pixels(10, 10, frames=1000)
    with pytest.raises(LimitExceededError, match="1001 frames; the limit is 1000"):
        engine.check_pixels(1, 1, frames=1001)


def test_a_strip_with_uneven_frames_is_refused() -> None:
    import pyvips

    strip = pyvips.Image.black(10, 25).copy()
    strip.set_type(pyvips.GValue.gint_type, "page-height", 10)
    with pytest.raises(InvalidInputError, match="not all the same size"):
        animation.per_frame(strip, lambda frame: frame)


@pytest.mark.parametrize(
    ("name", "via_pillow"),
    [("a.heic", True), ("a.bmp", True), ("a.avif", False), ("a.jpg", False), ("a.tiff", False)],
)
def test_decoder_choice(make_image: MakeImage, name: str, via_pillow: bool) -> None:
    source = engine.inspect(make_image(name, (30, 20)))
    assert (source.width, source.height, source.via_pillow) == (30, 20, via_pillow)


@pytest.mark.parametrize(
    ("name", "fmt"),
    [("a.jpg", "jpeg"), ("a.png", "png"), ("a.webp", "webp"), ("a.avif", "avif"), ("a.gif", "gif")],
)
def test_source_format(make_image: MakeImage, name: str, fmt: str) -> None:
    assert engine.source_format(make_image(name)) == fmt


def test_encode_in_memory(make_image: MakeImage) -> None:
    data = engine.encode(engine.load(make_image("a.png")), "avif", quality=50)
    assert data[4:12] == b"ftypavif"


def test_sixteen_bit_and_grey_inputs_become_8_bit(tmp_path: Path, out_dir: Path) -> None:
    grey16 = tmp_path / "grey16.png"
    Image.new("I;16", (20, 10), 40000).save(grey16)
    output = engine.save(engine.load(grey16), out_dir / "g.jpg", "jpeg")
    with Image.open(output) as result:
        assert result.mode == "L"
        assert result.getpixel((5, 5)) > 100
