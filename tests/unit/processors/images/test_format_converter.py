from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from processors.errors import InvalidInputError, LimitExceededError
from processors.registry import get_tool

from .conftest import MakeImage, Progress, camera_exif

TOOL = get_tool("image-format-converter")


def convert(path: Path, out_dir: Path, progress: Progress | None = None, **raw: object) -> Path:
    assert TOOL is not None
    return TOOL.run([path], out_dir, TOOL.parse_params(raw), progress or Progress())


@pytest.mark.parametrize(
    ("name", "fmt", "pil_format"),
    [
        ("in.png", "jpeg", "JPEG"),
        ("in.jpg", "png", "PNG"),
        ("in.gif", "webp", "WEBP"),
        ("in.tiff", "jpeg", "JPEG"),
        ("in.bmp", "webp", "WEBP"),
        ("in.heic", "png", "PNG"),
        ("in.avif", "jpeg", "JPEG"),
        ("in.webp", "png", "PNG"),
    ],
)
def test_converts_every_input_kind(
    make_image: MakeImage, out_dir: Path, name: str, fmt: str, pil_format: str
) -> None:
    output = convert(make_image(name), out_dir, outputFormat=fmt)
    with Image.open(output) as result:
        assert result.format == pil_format
        assert result.size == (80, 40)
        left, right = (
            result.convert("RGB").getpixel((5, 20)),
            result.convert("RGB").getpixel((75, 20)),
        )
    assert left[0] > 150 and left[2] < 100  # red stays on the left
    assert right[2] > 150 and right[0] < 100
    assert output.suffix == {"jpeg": ".jpg", "png": ".png", "webp": ".webp"}[fmt]


def test_applies_orientation_and_strips_exif_by_default(
    make_image: MakeImage, out_dir: Path
) -> None:
    source = make_image("phone.jpg", size=(80, 40), exif=camera_exif(orientation=6))
    with Image.open(convert(source, out_dir, outputFormat="jpeg")) as result:
        assert result.size == (40, 80)  # rotated 90° upright
        assert len(result.getexif()) == 0


def test_keep_metadata_keeps_camera_and_gps(make_image: MakeImage, out_dir: Path) -> None:
    source = make_image("phone.jpg", exif=camera_exif(orientation=6))
    output = convert(source, out_dir, outputFormat="jpeg", keepMetadata=True)
    with Image.open(output) as result:
        exif = result.getexif()
        assert result.size == (40, 80)
        assert exif[0x010F] == "Canon"
        assert exif.get(0x0112, 1) == 1  # orientation reset: the pixels are upright now
        assert exif.get_ifd(0x8825)[1] == "N"


def test_max_dimensions_keep_aspect(make_image: MakeImage, out_dir: Path) -> None:
    source = make_image("big.png", size=(400, 200))
    with Image.open(convert(source, out_dir, outputFormat="webp", maxWidth=100)) as result:
        assert result.size == (100, 50)
    with Image.open(convert(source, out_dir, outputFormat="png", maxHeight=20)) as result:
        assert result.size == (40, 20)


def test_alpha_is_flattened_for_jpeg(make_image: MakeImage, out_dir: Path) -> None:
    source = make_image("alpha.png", mode="RGBA")
    with Image.open(convert(source, out_dir, outputFormat="jpeg")) as result:
        assert result.mode == "RGB"


def test_quality_changes_size(make_image: MakeImage, out_dir: Path, tmp_path: Path) -> None:
    from PIL import ImageDraw

    path = tmp_path / "noise.png"
    image = Image.effect_noise((200, 200), 60).convert("RGB")
    ImageDraw.Draw(image).ellipse((20, 20, 180, 180), fill=(10, 200, 10))
    image.save(path)
    low = convert(path, out_dir, outputFormat="jpeg", quality=20).stat().st_size
    high = convert(path, out_dir, outputFormat="jpeg", quality=95).stat().st_size
    assert low < high


def test_progress_increases(make_image: MakeImage, out_dir: Path) -> None:
    progress = Progress()
    convert(make_image("in.png"), out_dir, progress)
    assert progress.percents == sorted(progress.percents)
    assert progress.percents[-1] == 100


@pytest.mark.parametrize("content", [b"", b"not an image at all", b"\xff\xd8\xff\xe0" + b"\0" * 50])
def test_garbage_is_invalid_input(tmp_path: Path, out_dir: Path, content: bytes) -> None:
    path = tmp_path / "bad.jpg"
    path.write_bytes(content)
    with pytest.raises(InvalidInputError, match=r"empty|not a readable image"):
        convert(path, out_dir)


def test_truncated_jpeg_is_invalid_input(make_image: MakeImage, out_dir: Path) -> None:
    source = make_image("whole.jpg", size=(300, 300))
    source.write_bytes(source.read_bytes()[:400])
    with pytest.raises(InvalidInputError, match="not a readable image"):
        convert(source, out_dir, outputFormat="png")


@pytest.mark.parametrize("name", ["bomb.png", "bomb.bmp"])
def test_decompression_bomb_is_refused_from_the_header(
    tmp_path: Path, out_dir: Path, name: str
) -> None:
    # A 1-bit 12 000 x 12 000 image: 144 MP of pixels in a few kilobytes of file.
    path = tmp_path / name
    Image.new("1", (12_000, 12_000)).save(path)
    with pytest.raises(
        LimitExceededError, match=r"12000 x 12000 pixels \(144 MP\); the limit is 100 MP"
    ):
        convert(path, out_dir)


def test_invalid_params_are_readable() -> None:
    assert TOOL is not None
    with pytest.raises(InvalidInputError, match="Quality must be at least 1 \\(got 0\\)"):
        TOOL.parse_params({"quality": 0})
    with pytest.raises(InvalidInputError, match="Output format must be jpeg, png, webp or gif"):
        TOOL.parse_params({"outputFormat": "tga"})


def test_sample_photo(out_dir: Path) -> None:
    sample = Path("/work/shared/samples/sample.jpg")
    if not sample.exists():
        sample = Path(__file__).parents[5] / "shared" / "samples" / "sample.jpg"
    if not sample.exists():
        pytest.skip("sample.jpg is not here")
    with Image.open(convert(sample, out_dir, outputFormat="webp", maxWidth=400)) as result:
        assert result.format == "WEBP"
        assert result.width == 400


def test_truncated_jpeg_fails_when_resized_too(make_image: MakeImage, out_dir: Path) -> None:
    source = make_image("whole.jpg", size=(600, 400))
    source.write_bytes(source.read_bytes()[:1500])
    with pytest.raises(InvalidInputError, match="not a readable image"):
        convert(source, out_dir, outputFormat="png", maxWidth=100)


def test_file_names_that_look_like_libvips_options(make_image: MakeImage, out_dir: Path) -> None:
    source = make_image("photo.png", size=(80, 40))
    odd = source.rename(source.with_name("odd[shrink=4].png"))
    with Image.open(convert(odd, out_dir, outputFormat="png", maxWidth=60)) as result:
        assert result.size == (60, 30)
