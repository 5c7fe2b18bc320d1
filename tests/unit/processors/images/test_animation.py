"""Animated GIF and WebP through the image tools: frames, delays and loop kept, or frame 1."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from processors.errors import LimitExceededError
from processors.images import engine
from tests.unit.processors.conftest import RunTool

from .conftest import FRAME_COLOURS, FRAME_DELAYS, WHITE, MakeAnimation, close, frames_of


def assert_animation(path: Path, size: tuple[int, int], pil_format: str) -> None:
    """Three frames of `size`, in order, each with its colour, its delay, looping forever."""
    with Image.open(path) as image:
        assert image.format == pil_format
    frames, loop = frames_of(path)
    assert len(frames) == 3
    assert loop == 0
    for frame, colour, delay in zip(frames, FRAME_COLOURS, FRAME_DELAYS, strict=True):
        assert frame.size == size
        assert frame.delay == delay
        assert close(frame.left, colour), (frame, colour)
        assert close(frame.right, WHITE), frame


@pytest.mark.parametrize("source", ["anim.gif", "anim.webp"])
def test_converter_keeps_the_animation_in_webp(
    make_animation: MakeAnimation, run_tool: RunTool, source: str
) -> None:
    output, calls = run_tool(
        "image-format-converter", [make_animation(source)], outputFormat="webp"
    )
    assert_animation(output, (80, 40), "WEBP")
    assert calls == [(5, "Reading image"), (30, "Converting to WEBP"), (100, "Done")]


def test_converter_turns_an_animated_webp_into_a_gif(
    make_animation: MakeAnimation, run_tool: RunTool
) -> None:
    output, _ = run_tool(
        "image-format-converter", [make_animation("anim.webp")], outputFormat="gif"
    )
    assert output.suffix == ".gif"
    assert_animation(output, (80, 40), "GIF")


def test_converter_shrinks_every_frame(make_animation: MakeAnimation, run_tool: RunTool) -> None:
    output, _ = run_tool(
        "image-format-converter", [make_animation("anim.gif")], outputFormat="webp", maxWidth=40
    )
    assert_animation(output, (40, 20), "WEBP")


@pytest.mark.parametrize(
    ("params", "size"),
    [
        ({"width": 40}, (40, 20)),
        ({"height": 10}, (20, 10)),
        ({"width": 30, "height": 30, "mode": "fill"}, (30, 30)),  # columns cropped
        ({"width": 40, "height": 10, "mode": "fill"}, (40, 10)),  # rows: frame by frame
        ({"width": 50, "height": 50, "mode": "stretch"}, (50, 50)),
        ({"width": 24, "mode": "thumbnail"}, (24, 24)),
        ({"width": 160, "enlarge": True}, (160, 80)),
        ({"width": 160}, (80, 40)),  # never enlarged unless asked
    ],
)
def test_resizer_resizes_every_frame_of_a_gif(
    make_animation: MakeAnimation,
    run_tool: RunTool,
    params: dict[str, object],
    size: tuple[int, int],
) -> None:
    output, calls = run_tool("image-resizer", [make_animation("anim.gif")], **params)
    assert output.suffix == ".gif"  # "same" format: a GIF stays a GIF
    # fill and thumbnail crop the centre of each frame: colour on the left, white on the right
    assert_animation(output, size, "GIF")
    assert calls == [(5, "Reading image"), (30, "Resizing"), (100, "Done")]


def test_resizer_gif_to_webp(make_animation: MakeAnimation, run_tool: RunTool) -> None:
    output, _ = run_tool(
        "image-resizer", [make_animation("anim.gif")], width=40, outputFormat="webp"
    )
    assert_animation(output, (40, 20), "WEBP")


def test_rotated_animation_turns_each_frame(
    make_animation: MakeAnimation, run_tool: RunTool
) -> None:
    exif = Image.Exif()
    exif[0x0112] = 6  # rotated 90° clockwise
    source = make_animation("anim.webp", (80, 40), exif=exif)
    output, _ = run_tool("image-resizer", [source], height=40, outputFormat="webp")
    frames, _ = frames_of(output)
    assert [frame.size for frame in frames] == [(20, 40)] * 3
    with Image.open(output) as image:
        for index, colour in enumerate(FRAME_COLOURS):
            image.seek(index)
            rgb = image.convert("RGB")
            # Turned clockwise, the coloured left half of each frame is now its top half.
            assert close(rgb.getpixel((10, 5)), colour)
            assert close(rgb.getpixel((10, 35)), WHITE)


@pytest.mark.parametrize("raw", [{}, {"targetSizeKb": 5}, {"maxWidth": 40}])
def test_compressor_keeps_an_animated_webp(
    make_animation: MakeAnimation, run_tool: RunTool, raw: dict[str, object]
) -> None:
    output, _ = run_tool("image-compressor", [make_animation("anim.webp")], **raw)
    size = (40, 20) if "maxWidth" in raw else (80, 40)
    assert_animation(output, size, "WEBP")


@pytest.mark.parametrize(
    ("tool", "params", "pil_format"),
    [
        ("image-format-converter", {"outputFormat": "png"}, "PNG"),
        ("image-format-converter", {"outputFormat": "jpeg"}, "JPEG"),
        ("image-compressor", {"outputFormat": "avif"}, "AVIF"),
        ("image-compressor", {"outputFormat": "jpeg", "maxWidth": 40}, "JPEG"),
        ("image-resizer", {"width": 40, "outputFormat": "png"}, "PNG"),
    ],
)
def test_still_formats_get_the_first_frame(
    make_animation: MakeAnimation,
    run_tool: RunTool,
    tool: str,
    params: dict[str, object],
    pil_format: str,
) -> None:
    output, _ = run_tool(tool, [make_animation("anim.gif")], **params)
    width = 40 if 40 in params.values() else 80
    with Image.open(output) as image:
        assert image.format == pil_format
        assert getattr(image, "n_frames", 1) == 1
    (frame,), _ = frames_of(output)
    assert frame.size == (width, width // 2)  # one frame, not the strip of three
    assert close(frame.left, FRAME_COLOURS[0]) and close(frame.right, WHITE)


def test_too_many_frames_are_refused(
    make_animation: MakeAnimation, run_tool: RunTool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engine, "MAX_FRAMES", 2)
    source = make_animation("anim.gif")
    with pytest.raises(LimitExceededError, match="The animation has 3 frames; the limit is 2"):
        run_tool("image-format-converter", [source], outputFormat="webp")
    with pytest.raises(LimitExceededError, match="3 frames"):
        run_tool("image-resizer", [source], width=40)
    # Only the first frame is decoded for a still format: nothing to refuse.
    output, _ = run_tool("image-format-converter", [source], outputFormat="png")
    assert len(frames_of(output)[0]) == 1


def test_pixels_of_every_frame_count(make_animation: MakeAnimation, out_dir: Path) -> None:
    source = make_animation("anim.gif", (100, 100))  # 3 frames of 10 000 pixels
    with pytest.raises(LimitExceededError, match=r"3 frames of 100 x 100 pixels"):
        engine.load(source, animated=True, max_pixels=25_000)
    still = engine.load(source, max_pixels=25_000)  # the first frame alone fits
    assert (still.width, still.height) == (100, 100)
    with pytest.raises(LimitExceededError, match="Resized, the 3 frames would have"):
        engine.load(source, width=2000, enlarge=True, animated=True, max_pixels=1_000_000)


def test_frame_cap_reaches_a_thousand_frames(make_animation: MakeAnimation) -> None:
    assert engine.MAX_FRAMES == 1000
    source = make_animation("many.gif", (8, 8), frames=1001)
    with pytest.raises(LimitExceededError, match="1001 frames; the limit is 1000"):
        engine.inspect(source, animated=True)
    assert engine.inspect(source).frames == 1


def test_multi_page_tiff_is_not_an_animation(tmp_path: Path, run_tool: RunTool) -> None:
    source = tmp_path / "pages.tiff"
    pages = [Image.new("RGB", (40, 20), colour) for colour in FRAME_COLOURS]
    pages[0].save(source, save_all=True, append_images=pages[1:])
    output, _ = run_tool("image-format-converter", [source], outputFormat="webp")
    (frame,), _ = frames_of(output)
    assert frame.size == (40, 20) and close(frame.left, FRAME_COLOURS[0])


def test_still_gif_resized_stays_a_still_gif(tmp_path: Path, run_tool: RunTool) -> None:
    source = tmp_path / "still.gif"
    Image.new("RGB", (60, 30), FRAME_COLOURS[2]).save(source)
    output, _ = run_tool("image-resizer", [source], width=30)
    frames, _ = frames_of(output)
    assert output.suffix == ".gif"
    assert len(frames) == 1 and frames[0].size == (30, 15)
    assert close(frames[0].left, FRAME_COLOURS[2])
