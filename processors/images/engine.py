"""The image engine the image tools share: safe loading, resizing and saving with libvips.

libvips wins over Pillow on the work these tools do (bench/bench_images.py: a 24 MP JPEG to
a 2048 px WebP is faster and takes far less memory, thanks to shrink-on-load and streaming).
Two inputs libvips cannot decode here go through Pillow first: HEIC (the libvips wheel has
no HEVC decoder; pillow-heif has one) and BMP (libvips reads it only through ImageMagick).

Every load checks the pixel count from the header before decoding anything, so a
decompression bomb costs a few bytes of reading, not gigabytes of memory.

Animated GIF and WebP keep every frame when asked (`load(..., animated=True)`, for GIF and
WebP output: `ANIMATED_FORMATS`); the pixels of all frames count against the limit, and
there are at most `MAX_FRAMES` frames. Otherwise only the first frame is read.
"""

from __future__ import annotations

import logging
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from processors.errors import InvalidInputError, LimitExceededError
from processors.formats import kind
from processors.images import animation

__all__ = [
    "ANIMATED_FORMATS",
    "MAX_FRAMES",
    "MAX_PIXELS",
    "FitMode",
    "OutputFormat",
    "Source",
    "check_pixels",
    "encode",
    "inspect",
    "load",
    "save",
    "source_format",
]

logger = logging.getLogger(__name__)

MAX_PIXELS = 100_000_000
"""The largest image we decode: 100 megapixels (a 10 000 x 10 000 image), all frames counted."""

MAX_FRAMES = 1000
"""The most frames of an animation we decode (each one is a whole picture to encode)."""

OPTIMIZE_JPEG_MAX_PIXELS = 16_000_000
"""Optimised Huffman tables make JPEGs 10-25 % smaller, but libjpeg then buffers every DCT
coefficient (~6 bytes a pixel: 140 MB more at 24 MP) and the encode takes twice as long.
Progressive JPEG costs the same, so it is not used at all (bench/bench_images.py)."""

OutputFormat = Literal["jpeg", "png", "webp", "avif", "gif"]
FitMode = Literal["fit", "fill", "stretch"]
"""fit: inside the box, aspect kept; fill: cover the box and crop the centre; stretch: exact."""

ANIMATED_FORMATS: frozenset[OutputFormat] = frozenset({"gif", "webp"})
"""The outputs that keep an animation. libvips writes the frames of an AVIF as a collection
of still images, not an animation (viewers show the first), so AVIF gets the first frame."""

EXTENSIONS: dict[str, str] = {
    "jpeg": ".jpg",
    "png": ".png",
    "webp": ".webp",
    "avif": ".avif",
    "gif": ".gif",
}
_UNREADABLE = "The file is not a readable image"


@dataclass(frozen=True)
class Source:
    """What we know about an input before decoding it: width and height of one frame."""

    path: Path
    width: int
    height: int
    via_pillow: bool
    frames: int = 1


def check_pixels(width: int, height: int, max_pixels: int = MAX_PIXELS, *, frames: int = 1) -> None:
    """Refuse what is over the limits: `frames` frames of width x height pixels each."""
    if width <= 0 or height <= 0:
        raise InvalidInputError(_UNREADABLE)
    if frames > MAX_FRAMES:
        raise LimitExceededError(
            f"The animation has {frames} frames; the limit is {MAX_FRAMES}. "
            "Choose JPEG or PNG to keep only its first frame"
        )
    total = width * height * frames
    if total > max_pixels and frames > 1:
        raise LimitExceededError(
            f"The animation has {frames} frames of {width} x {height} pixels "
            f"({total / 1e6:.0f} MP in all); the limit is {max_pixels / 1e6:.0f} MP. "
            "Choose JPEG or PNG to keep only its first frame"
        )
    if total > max_pixels:
        raise LimitExceededError(
            f"The image is {width} x {height} pixels ({total / 1e6:.0f} MP); "
            f"the limit is {max_pixels / 1e6:.0f} MP"
        )


def _needs_pillow(path: Path) -> bool:
    with path.open("rb") as handle:
        head = handle.read(64)
    if not head:
        raise InvalidInputError("The file is empty")
    if kind("avif").matches(head):
        return False
    return kind("heic").matches(head) or kind("bmp").matches(head)


def inspect(path: Path, *, max_pixels: int = MAX_PIXELS, animated: bool = False) -> Source:
    """Read the header only: dimensions, and which decoder will be used. Bombs stop here.

    `animated`: count the frames of an animated GIF or WebP (else only the first is read).
    """
    via_pillow = _needs_pillow(path)
    frames = 1
    if via_pillow:
        from PIL import Image, UnidentifiedImageError

        _register_heif()
        try:
            with warnings.catch_warnings():
                # Our own limit below is the one that counts, with a readable message.
                warnings.simplefilter("ignore", Image.DecompressionBombWarning)
                with Image.open(path) as image:
                    width, height = image.size
        except Image.DecompressionBombError:
            raise LimitExceededError(
                f"The image is over the limit of {max_pixels / 1e6:.0f} MP"
            ) from None
        except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
            logger.info("Pillow could not read the header: %s", exc)
            raise InvalidInputError(_UNREADABLE) from None
    else:
        import pyvips

        try:
            image = pyvips.Image.new_from_source(_source(path), "", access="sequential")
            width, height = image.width, image.height
            if animated:
                frames = animation.frame_count(image)
        except pyvips.Error as exc:
            logger.info("libvips could not read the header: %s", exc.message)
            raise InvalidInputError(_UNREADABLE) from None
    check_pixels(width, height, max_pixels, frames=frames)
    return Source(path, width, height, via_pillow, frames)


def load(
    path: Path,
    *,
    width: int | None = None,
    height: int | None = None,
    mode: FitMode = "fit",
    enlarge: bool = False,
    max_pixels: int = MAX_PIXELS,
    animated: bool = False,
) -> Any:
    """The image upright (EXIF orientation applied), resized into width x height if given.

    `animated`: keep every frame of an animated GIF or WebP, each one resized, as a strip
    of frames with their delays and loop count (see processors/images/animation.py); save
    it as GIF or WebP. Without it, only the first frame is read.

    Returns a lazy pyvips.Image: decoding errors may surface when it is saved (see `save`).
    """
    import pyvips

    source = inspect(path, max_pixels=max_pixels, animated=animated)
    box_w = width or (source.width * 100 if height else None)
    box_h = height or (source.height * 100 if width else None)
    if source.frames > 1:
        box = (box_w, box_h) if box_w and box_h else None
        fit_mode = mode if width and height else "fit"  # fill and stretch need both sides
        return _load_animation(source, box, fit_mode, enlarge, max_pixels)
    options: dict[str, Any] = {"size": "both" if enlarge else "down"}
    if mode == "fill" and width and height:
        options["crop"] = "centre"
    elif mode == "stretch" and width and height:
        options["size"] = "force"
    try:
        if source.via_pillow:
            image = _from_pillow(path)
            if box_w and box_h:
                image = image.thumbnail_image(box_w, height=box_h, **options)
        elif box_w and box_h:
            # thumbnail shrinks while decoding (JPEG, WebP, HEIF): the reason libvips wins.
            image = pyvips.Image.thumbnail_source(
                _source(path), box_w, height=box_h, option_string="fail_on=error", **options
            )
        else:
            image = pyvips.Image.new_from_source(
                _source(path), "", access="sequential", fail_on="error"
            ).autorot()
    except pyvips.Error as exc:
        logger.info("libvips could not decode the image: %s", exc.message)
        raise InvalidInputError(_UNREADABLE) from None
    size = f"{image.width} x {image.height}"
    _check_resized(image, max_pixels, f"Resized, the image would be {size} ({{mp}} MP)")
    return image


def _load_animation(
    source: Source, box: tuple[int, int] | None, mode: FitMode, enlarge: bool, max_pixels: int
) -> Any:
    import pyvips

    try:
        image = animation.load_frames(source.path, box, mode=mode, enlarge=enlarge)
    except pyvips.Error as exc:
        logger.info("libvips could not decode the animation: %s", exc.message)
        raise InvalidInputError(_UNREADABLE) from None
    _check_resized(
        image, max_pixels, f"Resized, the {source.frames} frames would have {{mp}} MP in all"
    )
    return image


def _check_resized(image: Any, max_pixels: int, message: str) -> None:
    """Enlarging is checked on the result's size, known before anything is decoded.

    `message` names the result, with `{mp}` where its megapixels go.
    """
    pixels = image.width * image.height
    if pixels > max_pixels:
        mp = f"{pixels / 1e6:.0f}"
        raise LimitExceededError(f"{message.format(mp=mp)}; the limit is {max_pixels / 1e6:.0f} MP")


def save(
    image: Any,
    output: Path,
    fmt: OutputFormat,
    *,
    quality: int = 85,
    keep_metadata: bool = False,
    lossless: bool = False,
) -> Path:
    """Write `image` as `fmt`. Metadata: only the colour profile unless `keep_metadata`.

    An animation (see `load`) keeps its frames, delays and loop count as GIF or WebP; other
    formats get its first frame.
    """
    import pyvips

    options = _options(image, fmt, quality, keep_metadata, lossless)
    try:
        _prepare(image, fmt).write_to_file(str(output), **options)
    except pyvips.Error as exc:
        logger.info("libvips could not decode or encode the image: %s", exc.message)
        output.unlink(missing_ok=True)
        raise InvalidInputError(_UNREADABLE) from None
    return output


def encode(
    image: Any, fmt: OutputFormat, *, quality: int = 85, keep_metadata: bool = False
) -> bytes:
    """`image` encoded as `fmt` in memory (for searching the quality that fits a size)."""
    import pyvips

    try:
        data: bytes = _prepare(image, fmt).write_to_buffer(
            EXTENSIONS[fmt], **_options(image, fmt, quality, keep_metadata, False)
        )
    except pyvips.Error as exc:
        logger.info("libvips could not decode or encode the image: %s", exc.message)
        raise InvalidInputError(_UNREADABLE) from None
    return data


def source_format(path: Path) -> OutputFormat:
    """The web format closest to the input's own: itself when writable, else PNG."""
    with path.open("rb") as handle:
        head = handle.read(64)
    candidates: tuple[OutputFormat, ...] = ("jpeg", "webp", "avif", "png", "gif")
    for name in candidates:
        if kind(name).matches(head):
            return name
    return "png"


def _prepare(image: Any, fmt: OutputFormat) -> Any:
    if fmt not in ANIMATED_FORMATS and "page-height" in image.get_fields():
        page_height = image.get("page-height")
        if 0 < page_height < image.height:  # a strip of frames: the first one
            image = image.crop(0, 0, image.width, page_height)
    image = _to_srgb(image)
    if fmt == "jpeg" and image.hasalpha():
        image = image.flatten(background=[255, 255, 255])
    return image


def _options(
    image: Any, fmt: OutputFormat, quality: int, keep_metadata: bool, lossless: bool
) -> dict[str, Any]:
    options: dict[str, Any] = {"keep": "all" if keep_metadata else "icc"}
    if fmt == "jpeg":
        optimize = image.width * image.height <= OPTIMIZE_JPEG_MAX_PIXELS
        options.update(Q=quality, optimize_coding=optimize)
    elif fmt == "png":
        options.update(compression=9 if quality < 50 else 6)
    elif fmt == "webp":
        options.update(Q=quality, lossless=lossless, effort=4)
    elif fmt == "avif":
        options.update(Q=quality, lossless=lossless, effort=2, compression="av1")
    # gif: libvips quantises to a palette; quality does not apply
    return options


def _source(path: Path) -> Any:
    """A libvips source: unlike a filename, it never parses `name.jpg[options]` suffixes."""
    import pyvips

    return pyvips.Source.new_from_file(str(path))


def _to_srgb(image: Any) -> Any:
    """8-bit sRGB (or grey) with at most one alpha band: what every web format takes."""
    if image.interpretation not in ("srgb", "b-w") or image.format != "uchar":
        target = "b-w" if image.bands in (1, 2) else "srgb"
        image = image.colourspace(target)
        if image.format != "uchar":
            image = image.cast("uchar")
    return image


def _from_pillow(path: Path) -> Any:
    """Decode with Pillow (HEIC, BMP), apply orientation, hand the pixels to libvips."""
    import pyvips
    from PIL import Image, ImageOps

    _register_heif()
    try:
        with Image.open(path) as opened:
            upright = ImageOps.exif_transpose(opened)
            mode = "RGBA" if "A" in upright.getbands() or "transparency" in upright.info else "RGB"
            pixels = upright.convert(mode)
            exif = upright.getexif().tobytes()
    except (OSError, ValueError, SyntaxError) as exc:
        logger.info("Pillow could not decode the image: %s", exc)
        raise InvalidInputError(_UNREADABLE) from None
    image = pyvips.Image.new_from_memory(
        pixels.tobytes(), pixels.width, pixels.height, len(mode), "uchar"
    ).copy(interpretation="srgb")
    if len(exif) > 8:
        image.set_type(pyvips.GValue.blob_type, "exif-data", b"Exif\x00\x00" + exif)
    return image


def _register_heif() -> None:
    import pillow_heif

    pillow_heif.register_heif_opener()
