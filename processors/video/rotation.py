"""video-rotation: turn a video 90, 180 or 270 degrees clockwise, re-encoded or lossless."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Literal

from pydantic import Field

from processors.base import Category, ProgressCallback, Tool, ToolParams
from processors.errors import InvalidInputError
from processors.formats import kind
from processors.labels import enum_labels
from processors.registry import register
from processors.video.common import (
    EVEN_SIZE,
    H264,
    MAX_VIDEO_BYTES,
    MP4_FASTSTART,
    VIDEO_INPUTS,
    output_path,
)
from processors.video.ffmpeg import run_ffmpeg
from processors.video.probe import probe

_FILTERS = {90: "transpose=clock", 180: "hflip,vflip", 270: "transpose=cclock"}


class RotationParams(ToolParams):
    angle: Literal[90, 180, 270] = Field(
        90,
        title="Angle",
        description="Degrees to turn the picture clockwise.",
        json_schema_extra=enum_labels(
            {90: "90° clockwise", 180: "180° (upside down)", 270: "90° counter-clockwise"}
        ),
    )
    mode: Literal["reencode", "lossless"] = Field(
        "reencode",
        title="Method",
        description=(
            "Re-encode turns the pixels (plays the same everywhere); lossless is fast and only "
            "sets the rotation flag that players honour, quality untouched."
        ),
        json_schema_extra=enum_labels(
            {"reencode": "Re-encode (plays everywhere)", "lossless": "Lossless (rotation flag)"}
        ),
    )


@register
class VideoRotation(Tool[RotationParams]):
    name = "video-rotation"
    display_name = "Video Rotation"
    description = "Rotate a video by 90, 180 or 270 degrees, re-encoded or losslessly (metadata)."
    category = Category.VIDEO
    icon = "arrow-clockwise"
    input_kinds = VIDEO_INPUTS
    output_kinds = (kind("mp4"),)
    max_file_size = MAX_VIDEO_BYTES
    timeout_seconds = 1500
    Params = RotationParams

    def run(
        self,
        inputs: Sequence[Path],
        output_dir: Path,
        params: RotationParams,
        progress: ProgressCallback,
    ) -> Path:
        progress(1, "Reading video")
        info = probe(inputs[0])
        if info.video is None:
            raise InvalidInputError("The file has no video track")
        output = output_path(output_dir, inputs[0], ".mp4", "-rotated")
        if params.mode == "lossless":
            # The display matrix holds degrees counter-clockwise: turning clockwise subtracts.
            rotation = (info.video.rotation - params.angle) % 360
            run_ffmpeg(
                inputs[0],
                info,
                output,
                ["-map", "0:v:0", "-map", "0:a?", "-c", "copy", *MP4_FASTSTART],
                input_args=["-display_rotation", str(rotation)],
                progress=progress,
                step="Setting rotation",
                timeout=self.timeout_seconds,
                failure="This video cannot be rotated losslessly; try the re-encode mode",
            )
        else:
            run_ffmpeg(
                inputs[0],
                info,
                output,
                [
                    "-map",
                    "0:v:0",
                    "-map",
                    "0:a?",
                    "-vf",
                    f"{_FILTERS[params.angle]},{EVEN_SIZE}",
                    *H264,
                    "-crf",
                    "20",
                    "-preset",
                    "medium",
                    "-c:a",
                    "aac",
                    "-b:a",
                    "160k",
                    *MP4_FASTSTART,
                ],
                progress=progress,
                step="Rotating",
                timeout=self.timeout_seconds,
            )
        progress(100, "Done")
        return output
