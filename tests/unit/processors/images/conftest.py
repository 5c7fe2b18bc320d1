"""Image fixtures generated here: small pictures with known pixels, EXIF and GPS."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import pytest
from PIL import Image, TiffImagePlugin

from tests.unit.processors.conftest import Progress as Progress  # re-exported for the tests

LATITUDE = 47.6085  # 47° 36' 30.6" N
LONGITUDE = -122.335  # 122° 20' 6" W


def camera_exif(orientation: int = 1) -> Image.Exif:
    """EXIF as a phone writes it: camera, lens, exposure, dates, GPS, orientation."""
    exif = Image.Exif()
    exif[0x010F] = "Canon"
    exif[0x0110] = "Canon EOS 5D"
    exif[0x0112] = orientation
    exif[0x0132] = "2024:05:01 10:20:30"
    details = exif.get_ifd(0x8769)
    details[0x829A] = TiffImagePlugin.IFDRational(Fraction(1, 250))
    details[0x829D] = TiffImagePlugin.IFDRational(Fraction(28, 10))
    details[0x8827] = 200
    details[0x9003] = "2024:05:01 10:20:30"
    details[0x920A] = TiffImagePlugin.IFDRational(Fraction(50, 1))
    details[0xA434] = "EF 50mm f/1.8"
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = (
        TiffImagePlugin.IFDRational(47),
        TiffImagePlugin.IFDRational(36),
        TiffImagePlugin.IFDRational(Fraction(306, 10)),
    )
    gps[3] = "W"
    gps[4] = (
        TiffImagePlugin.IFDRational(122),
        TiffImagePlugin.IFDRational(20),
        TiffImagePlugin.IFDRational(6),
    )
    return exif


def two_colour(width: int, height: int) -> Image.Image:
    """Left half red, right half blue: orientation and crops are visible in the pixels."""
    image = Image.new("RGB", (width, height), (220, 20, 20))
    image.paste((20, 20, 220), (width // 2, 0, width, height))
    return image


MakeImage = Callable[..., Path]


@pytest.fixture
def make_image(tmp_path: Path) -> MakeImage:
    """make_image(name, size=(w, h), exif=None, mode="RGB") writes a test image and returns it."""

    def make(
        name: str,
        size: tuple[int, int] = (80, 40),
        exif: Image.Exif | None = None,
        mode: str = "RGB",
    ) -> Path:
        import pillow_heif

        pillow_heif.register_heif_opener()
        image = two_colour(*size).convert(mode)
        path = tmp_path / name
        kwargs = {"exif": exif} if exif is not None else {}
        image.save(path, **kwargs)
        return path

    return make


FRAME_COLOURS = ((220, 20, 20), (20, 180, 20), (20, 20, 220))  # red, green, blue
FRAME_DELAYS = (100, 200, 300)  # milliseconds
WHITE = (255, 255, 255)

MakeAnimation = Callable[..., Path]


@pytest.fixture
def make_animation(tmp_path: Path) -> MakeAnimation:
    """make_animation(name, size=(80, 40), frames=3, exif=None): an animated GIF or WebP.

    Frame i has FRAME_COLOURS[i % 3] on its left half and white on its right half, shows
    for FRAME_DELAYS[i % 3] ms, and the animation loops forever.
    """

    def make(
        name: str, size: tuple[int, int] = (80, 40), frames: int = 3, exif: Image.Exif | None = None
    ) -> Path:
        width, height = size
        images = []
        for index in range(frames):
            frame = Image.new("RGB", size, WHITE)
            frame.paste(FRAME_COLOURS[index % 3], (0, 0, width // 2, height))
            images.append(frame)
        path = tmp_path / name
        delays = [FRAME_DELAYS[index % 3] for index in range(frames)]
        kwargs = {"exif": exif} if exif is not None else {}
        images[0].save(
            path, save_all=True, append_images=images[1:], duration=delays, loop=0, **kwargs
        )
        return path

    return make


@dataclass(frozen=True)
class Frame:
    """One frame of a result as Pillow decodes it: size, delay, left and right half colours."""

    size: tuple[int, int]
    delay: int | None
    left: tuple[int, ...]
    right: tuple[int, ...]


def frames_of(path: Path) -> tuple[list[Frame], int | None]:
    """Every frame of the image at `path`, and its loop count (None: not an animation)."""
    found = []
    with Image.open(path) as image:
        loop = image.info.get("loop")
        for index in range(getattr(image, "n_frames", 1)):
            image.seek(index)
            image.load()
            rgb = image.convert("RGB")
            width, height = rgb.size
            found.append(
                Frame(
                    rgb.size,
                    image.info.get("duration"),
                    rgb.getpixel((width // 4, height // 2)),
                    rgb.getpixel((width * 3 // 4, height // 2)),
                )
            )
    return found, loop


def close(colour: tuple[int, ...], expected: tuple[int, ...], tolerance: int = 40) -> bool:
    """Roughly this colour: lossy encoders and palettes move channels a little."""
    return all(abs(a - b) <= tolerance for a, b in zip(colour[:3], expected, strict=True))


@pytest.fixture
def progress() -> Progress:
    return Progress()
