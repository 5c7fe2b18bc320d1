"""audio-extractor: the sound track of a video (or an audio file) as MP3, AAC or WAV."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Literal

from pydantic import Field

from processors.base import Category, ProgressCallback, Tool, ToolParams, output_file
from processors.errors import InvalidInputError
from processors.formats import kind
from processors.labels import enum_labels
from processors.registry import register
from processors.video.common import AUDIO_INPUTS, MAX_VIDEO_BYTES, VIDEO_INPUTS
from processors.video.ffmpeg import run_ffmpeg
from processors.video.probe import probe

_CODECS = {
    "mp3": (".mp3", ["-c:a", "libmp3lame"]),
    "aac": (".m4a", ["-c:a", "aac", "-movflags", "+faststart"]),
    "wav": (".wav", ["-c:a", "pcm_s16le"]),
}


class AudioExtractorParams(ToolParams):
    output_format: Literal["mp3", "aac", "wav"] = Field(
        "mp3",
        title="Output format",
        description="MP3, AAC (in an .m4a file) or WAV (uncompressed).",
        json_schema_extra=enum_labels(
            {"mp3": "MP3", "aac": "AAC (.m4a)", "wav": "WAV (uncompressed)"}
        ),
    )
    bitrate: int = Field(
        192, ge=32, le=320, title="Bitrate (kbit/s)", description="For MP3 and AAC."
    )


@register
class AudioExtractor(Tool[AudioExtractorParams]):
    name = "audio-extractor"
    display_name = "Audio Extractor"
    description = "Extract the sound of a video (or convert an audio file) to MP3, AAC or WAV."
    category = Category.VIDEO
    icon = "music-note-beamed"
    input_kinds = VIDEO_INPUTS + AUDIO_INPUTS
    output_kinds = (kind("mp3"), kind("m4a"), kind("wav"))
    max_file_size = MAX_VIDEO_BYTES
    timeout_seconds = 900
    Params = AudioExtractorParams

    def run(
        self,
        inputs: Sequence[Path],
        output_dir: Path,
        params: AudioExtractorParams,
        progress: ProgressCallback,
    ) -> Path:
        progress(1, "Reading file")
        info = probe(inputs[0], what="video or audio file")
        if info.audio is None:
            raise InvalidInputError("The file has no audio track")
        extension, codec = _CODECS[params.output_format]
        bitrate = [] if params.output_format == "wav" else ["-b:a", f"{params.bitrate}k"]
        output = output_file(output_dir, inputs[0], extension, "-audio")  # mp3 in, mp3 out
        run_ffmpeg(
            inputs[0],
            info,
            output,
            ["-map", "0:a:0", "-vn", "-sn", "-dn", *codec, *bitrate],
            progress=progress,
            step="Extracting audio",
            timeout=self.timeout_seconds,
            failure="The file's audio could not be read",
        )
        progress(100, "Done")
        return output
