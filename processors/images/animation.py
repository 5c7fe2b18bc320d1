"""Animated GIF and WebP: every frame loaded, turned upright, resized and cropped together.

libvips loads all the frames of an animation with `n=-1` as one tall image, the frames
stacked top to bottom: `page-height` is the height of one frame, `delay` the milliseconds
each frame shows and `loop` how many times it plays (0: forever). The GIF and WebP savers
write those back, so an animation survives as long as the strip stays a whole number of
frames tall. `thumbnail` shrinks a strip frame by frame, but in libvips 8.18 its centre crop
and `autorot` treat the strip as one picture (libvips issue #2668): crops and EXIF
orientation are applied to each frame here, and the frames joined again.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

from processors.errors import InvalidInputError

__all__ = ["frame_count", "load_frames", "per_frame"]

_ANIMATED_LOADERS = ("gifload", "webpload")
_UPRIGHT = (0, 1)


def frame_count(header: Any) -> int:
    """The frames `n=-1` loads from the file behind this libvips header: 1 unless animated.

    Only GIF and WebP count: the pages of a TIFF or the images of a HEIF collection are
    separate pictures (of any size), not the frames of an animation.
    """
    fields = header.get_fields()
    loader = str(header.get("vips-loader")) if "vips-loader" in fields else ""
    if not loader.startswith(_ANIMATED_LOADERS) or "n-pages" not in fields:
        return 1
    return max(1, int(header.get("n-pages")))


def load_frames(
    path: Path,
    box: tuple[int, int] | None,
    *,
    mode: Literal["fit", "fill", "stretch"],
    enlarge: bool,
) -> Any:
    """Every frame of the animation at `path`, upright, resized into `box` (width, height).

    fit keeps the aspect inside the box, stretch gives each frame exactly the box, fill
    covers the box and crops the centre of each frame. A lazy pyvips.Image, one strip.
    """
    import pyvips

    strip = pyvips.Image.new_from_source(_source(path), "", n=-1, fail_on="error")
    orientation = int(strip.get("orientation")) if "orientation" in strip.get_fields() else 1
    upright = orientation in _UPRIGHT
    if upright and box is None:
        return pyvips.Image.new_from_source(
            _source(path), "", n=-1, access="sequential", fail_on="error"
        )
    if not upright:
        strip = per_frame(strip, lambda frame: frame.autorot())
    if box is None:
        return strip

    def thumbnail(width: int, height: int, size: str, *, then_per_frame: bool = False) -> Any:
        # Shrink while decoding where the loader can (WebP). Not before per-frame work: the
        # frames then read the sequential pipeline out of order (200 frames: 12 s, not 1 s).
        if upright and not then_per_frame:
            return pyvips.Image.thumbnail_source(
                _source(path),
                width,
                height=height,
                size=size,
                no_rotate=True,
                option_string="n=-1,fail_on=error",
            )
        return strip.thumbnail_image(width, height=height, size=size, no_rotate=True)

    box_w, box_h = box
    if mode == "stretch":
        return thumbnail(box_w, box_h, "force")
    if mode == "fit":
        return thumbnail(box_w, box_h, "both" if enlarge else "down")
    frame_w, frame_h = strip.width, _page_height(strip)  # upright by now
    scale = max(box_w / frame_w, box_h / frame_h)
    if not enlarge:
        scale = min(scale, 1.0)
    cover_w, cover_h = max(1, round(frame_w * scale)), max(1, round(frame_h * scale))
    crop_w, crop_h = min(box_w, cover_w), min(box_h, cover_h)
    left, top = (cover_w - crop_w) // 2, (cover_h - crop_h) // 2
    if crop_h == cover_h:  # only columns go: the same ones in every frame, one crop
        covered = thumbnail(cover_w, cover_h, "force")
        return covered.crop(left, 0, crop_w, covered.height)
    covered = thumbnail(cover_w, cover_h, "force", then_per_frame=True)
    return per_frame(covered, lambda frame: frame.crop(left, top, crop_w, crop_h))


def per_frame(strip: Any, operation: Callable[[Any], Any]) -> Any:
    """`operation` applied to each frame of the strip; the results stacked again."""
    import pyvips

    page_height = _page_height(strip)
    frames = [
        operation(strip.crop(0, top, strip.width, page_height))
        for top in range(0, strip.height, page_height)
    ]
    joined = pyvips.Image.arrayjoin(frames, across=1).copy()
    joined.set_type(pyvips.GValue.gint_type, "page-height", frames[0].height)
    return joined


def _page_height(strip: Any) -> int:
    page_height = (
        int(strip.get("page-height")) if "page-height" in strip.get_fields() else strip.height
    )
    if page_height <= 0 or strip.height % page_height:
        raise InvalidInputError("The animation's frames are not all the same size")
    return page_height


def _source(path: Path) -> Any:
    """A libvips source: unlike a filename, it never parses `name.gif[options]` suffixes."""
    import pyvips

    return pyvips.Source.new_from_file(str(path))
