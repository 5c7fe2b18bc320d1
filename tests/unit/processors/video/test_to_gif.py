from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from processors.errors import InvalidInputError
from processors.registry import get_tool

from .conftest import Progress

TOOL = get_tool("video-to-gif")


def to_gif(path: Path, out_dir: Path, **raw: object) -> Path:
    assert TOOL is not None
    return TOOL.run([path], out_dir, TOOL.parse_params(raw), Progress())


def test_frame_count_size_and_loop(clip: Path, out_dir: Path) -> None:
    with Image.open(to_gif(clip, out_dir, fps=5, width=80)) as gif:
        assert gif.format == "GIF"
        assert gif.size == (80, 60)
        assert gif.n_frames == 10  # 2 s at 5 fps
        assert gif.info.get("loop") == 0


def test_start_and_duration_cut_the_clip(clip: Path, out_dir: Path) -> None:
    with Image.open(to_gif(clip, out_dir, start=1, duration=5, fps=4)) as gif:
        assert gif.n_frames == 4  # only 1 s is left after the start
        assert gif.size == (160, 120)  # never wider than the video


def test_start_after_end(clip: Path, out_dir: Path) -> None:
    with pytest.raises(InvalidInputError, match=r"after the end of the video \(2.0 s\)"):
        to_gif(clip, out_dir, start=5)
