"""video-thumbnail: one frame of a video, at a chosen time, as PNG or JPEG."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Literal

from pydantic import Field

from processors.base import MB, Category, ProgressCallback, Tool, ToolParams
from processors.errors import InvalidInputError
from processors.formats import kind
from processors.labels import enum_labels
from processors.registry import register
from processors.video.common import MAX_VIDEO_BYTES, VIDEO_INPUTS, output_path
from processors.video.ffmpeg import run_ffmpeg
from processors.video.probe import probe


class ThumbnailParams(ToolParams):
    time: float = Field(
        1.0, ge=0, le=1800, title="Time (s)", description="The moment of the frame, in seconds."
    )
    output_format: Literal["png", "jpeg"] = Field(
        "jpeg",
        title="Output format",
        description="PNG (lossless) or JPEG (smaller).",
        json_schema_extra=enum_labels({"png": "PNG (lossless)", "jpeg": "JPEG (smaller)"}),
    )
    width: int | None = Field(
        None, ge=16, le=7680, title="Width", description="Scale to this width; height follows."
    )


@register
class VideoThumbnail(Tool[ThumbnailParams]):
    name = "video-thumbnail"
    display_name = "Video Thumbnail"
    description = "Grab one frame of a video at a given time as a PNG or JPEG image."
    category = Category.VIDEO
    icon = "image"
    input_kinds = VIDEO_INPUTS
    output_kinds = (kind("jpeg"), kind("png"))
    max_file_size = MAX_VIDEO_BYTES
    timeout_seconds = 120
    Params = ThumbnailParams

    def run(
        self,
        inputs: Sequence[Path],
        output_dir: Path,
        params: ThumbnailParams,
        progress: ProgressCallback,
    ) -> Path:
        progress(5, "Reading video")
        info = probe(inputs[0])
        if info.video is None:
            raise InvalidInputError("The file has no video track")
        if info.duration is not None and params.time >= info.duration:
            raise InvalidInputError(
                f"The time ({params.time:g} s) is after the end of the video "
                f"({info.duration:.1f} s)"
            )
        filters = f"scale={params.width}:-2" if params.width else "null"
        extension = ".png" if params.output_format == "png" else ".jpg"
        quality = ["-q:v", "2"] if params.output_format == "jpeg" else []
        output = output_path(output_dir, inputs[0], extension, "-thumbnail")
        progress(20, "Grabbing frame")
        run_ffmpeg(
            inputs[0],
            info,
            output,
            ["-frames:v", "1", "-vf", filters, *quality, "-an", "-update", "1"],
            input_args=["-ss", f"{params.time:.3f}"],
            expected_seconds=None,
            progress=progress,
            step="Grabbing frame",
            timeout=self.timeout_seconds,
            max_output_bytes=100 * MB,
            failure=f"No frame could be read at {params.time:g} s of this video",
        )
        progress(100, "Done")
        return output
