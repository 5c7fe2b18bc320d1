"""video-compressor: H.264 MP4 at a constant quality (CRF), optionally smaller, web-ready."""

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

Preset = Literal[
    "ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow", "slower", "veryslow"
]


class VideoCompressorParams(ToolParams):
    crf: int = Field(
        28,
        ge=18,
        le=40,
        title="Quality (CRF)",
        description="18 looks like the original, 28 is a good default, 40 is very small.",
    )
    preset: Preset = Field(
        "medium",
        title="Speed",
        description="Slower presets make smaller files at the same quality.",
        json_schema_extra=enum_labels(
            {
                "ultrafast": "Ultrafast (largest file)",
                "superfast": "Superfast",
                "veryfast": "Very fast",
                "faster": "Faster",
                "fast": "Fast",
                "medium": "Medium",
                "slow": "Slow",
                "slower": "Slower",
                "veryslow": "Very slow (smallest file)",
            }
        ),
    )
    max_height: int | None = Field(
        None,
        ge=144,
        le=4320,
        title="Max height",
        description="Shrink taller videos to this height (e.g. 720), keeping the aspect.",
    )
    audio_bitrate: int = Field(
        128, ge=32, le=320, title="Audio bitrate (kbit/s)", description="AAC audio bitrate."
    )


@register
class VideoCompressor(Tool[VideoCompressorParams]):
    name = "video-compressor"
    display_name = "Video Compressor"
    description = (
        "Make videos smaller: H.264 MP4 at a chosen quality and speed, optional maximum "
        "height, AAC audio, ready to stream on the web (faststart)."
    )
    category = Category.VIDEO
    icon = "camera-video"
    input_kinds = VIDEO_INPUTS
    output_kinds = (kind("mp4"),)
    max_file_size = MAX_VIDEO_BYTES
    timeout_seconds = 1500
    Params = VideoCompressorParams

    def run(
        self,
        inputs: Sequence[Path],
        output_dir: Path,
        params: VideoCompressorParams,
        progress: ProgressCallback,
    ) -> Path:
        progress(1, "Reading video")
        info = probe(inputs[0])
        if info.video is None:
            raise InvalidInputError("The file has no video track")
        scale = EVEN_SIZE
        if params.max_height:
            # Height capped (never enlarged), width follows the aspect and stays even.
            scale = f"scale=-2:'min(ih,{params.max_height})',{EVEN_SIZE}"
        output = output_path(output_dir, inputs[0], ".mp4", "-compressed")
        run_ffmpeg(
            inputs[0],
            info,
            output,
            [
                "-map",
                "0:v:0",
                "-map",
                "0:a:0?",
                "-vf",
                scale,
                *H264,
                "-crf",
                str(params.crf),
                "-preset",
                params.preset,
                "-c:a",
                "aac",
                "-b:a",
                f"{params.audio_bitrate}k",
                *MP4_FASTSTART,
            ],
            progress=progress,
            step="Compressing",
            timeout=self.timeout_seconds,
        )
        progress(100, "Done")
        return output
