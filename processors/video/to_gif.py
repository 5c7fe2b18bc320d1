"""video-to-gif: a clip of a video as an animated GIF with a palette made for it."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from pydantic import Field

from processors.base import MB, Category, ProgressCallback, Tool, ToolParams
from processors.errors import InvalidInputError
from processors.formats import kind
from processors.registry import register
from processors.video.common import MAX_VIDEO_BYTES, VIDEO_INPUTS, output_path
from processors.video.ffmpeg import run_ffmpeg
from processors.video.probe import probe


class VideoToGifParams(ToolParams):
    start: float = Field(0, ge=0, le=1800, title="Start (s)", description="Where the clip starts.")
    duration: float = Field(
        5, gt=0, le=30, title="Duration (s)", description="Length of the clip, up to 30 s."
    )
    fps: int = Field(10, ge=1, le=30, title="Frames per second", description="GIF frame rate.")
    width: int = Field(
        480,
        ge=16,
        le=1280,
        title="Width",
        description="GIF width in pixels (never wider than the video); height follows.",
    )


@register
class VideoToGif(Tool[VideoToGifParams]):
    name = "video-to-gif"
    display_name = "Video to GIF"
    description = "Turn a clip of a video into an animated GIF: start, duration, fps and width."
    category = Category.VIDEO
    icon = "filetype-gif"
    input_kinds = VIDEO_INPUTS
    output_kinds = (kind("gif"),)
    max_file_size = MAX_VIDEO_BYTES
    timeout_seconds = 600
    Params = VideoToGifParams

    def run(
        self,
        inputs: Sequence[Path],
        output_dir: Path,
        params: VideoToGifParams,
        progress: ProgressCallback,
    ) -> Path:
        progress(1, "Reading video")
        info = probe(inputs[0])
        if info.video is None:
            raise InvalidInputError("The file has no video track")
        length = params.duration
        if info.duration is not None:
            if params.start >= info.duration:
                raise InvalidInputError(
                    f"The start ({params.start:g} s) is after the end of the video "
                    f"({info.duration:.1f} s)"
                )
            length = min(length, info.duration - params.start)
        graph = (
            f"fps={params.fps},scale='min(iw,{params.width})':-1:flags=lanczos,"
            "split[a][b];[a]palettegen=stats_mode=diff[p];[b][p]paletteuse=dither=bayer"
        )
        output = output_path(output_dir, inputs[0], ".gif")
        run_ffmpeg(
            inputs[0],
            info,
            output,
            ["-t", f"{length:.3f}", "-filter_complex", graph, "-an", "-loop", "0"],
            input_args=["-ss", f"{params.start:.3f}"],
            expected_seconds=length,
            progress=progress,
            step="Making GIF",
            timeout=self.timeout_seconds,
            max_output_bytes=200 * MB,
        )
        progress(100, "Done")
        return output
