"""base64-codec: encode any file to base64 text, or decode base64 text to the original bytes.

Decoding guesses the output's extension from the decoded bytes' magic number (PNG, PDF,
ZIP, ...), unless the `extension` parameter names one.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

from pydantic import Field

from processors.base import MB, Category, ProgressCallback, Tool, ToolParams, output_file
from processors.errors import InvalidInputError
from processors.formats import SNIFF_BYTES, kind, sniff_kinds
from processors.labels import enum_labels
from processors.registry import register

_CHUNK = 3 * 1024 * 1024  # a multiple of 3 (encode) and of 4 (decode) keeps chunks aligned
_NOT_BASE64 = re.compile(rb"[^A-Za-z0-9+/=_-]")


class Base64Params(ToolParams):
    mode: Literal["encode", "decode"] = Field(
        "encode",
        title="Mode",
        description="Encode a file as base64 text, or decode base64 text back to a file.",
        json_schema_extra=enum_labels(
            {"encode": "Encode (file → base64 text)", "decode": "Decode (base64 text → file)"}
        ),
    )
    extension: str | None = Field(
        None,
        pattern=r"^\.?[A-Za-z0-9]{1,10}$",
        title="Output extension",
        description="For decode: the extension of the decoded file (guessed when empty).",
    )
    url_safe: bool = Field(
        False, title="URL-safe alphabet", description="Use - and _ (RFC 4648 §5)."
    )


@register
class Base64Codec(Tool[Base64Params]):
    name = "base64-codec"
    display_name = "Base64 Encoder / Decoder"
    description = "Encode any file as base64 text, or decode base64 text back to the original file."
    category = Category.DATA
    icon = "file-binary"
    input_kinds = (kind("binary"),)
    output_kinds = (kind("text"), kind("binary"))
    max_file_size = 50 * MB
    timeout_seconds = 60
    sync = True
    Params = Base64Params

    def run(
        self,
        inputs: Sequence[Path],
        output_dir: Path,
        params: Base64Params,
        progress: ProgressCallback,
    ) -> Path:
        source = inputs[0]
        total = max(source.stat().st_size, 1)
        if params.mode == "encode":
            output = output_file(output_dir, source, ".txt", "-base64")
            encode = base64.urlsafe_b64encode if params.url_safe else base64.b64encode
            with source.open("rb") as reader, output.open("wb") as writer:
                done = 0
                while chunk := reader.read(_CHUNK):
                    writer.write(encode(chunk))
                    done += len(chunk)
                    progress(100 * done / total, "Encoding")
            return output
        return self._decode(source, output_dir, params, progress, total)

    def _decode(
        self,
        source: Path,
        output_dir: Path,
        params: Base64Params,
        progress: ProgressCallback,
        total: int,
    ) -> Path:
        temporary = output_dir / "decoded.bin"
        pending = b""
        done = 0
        with source.open("rb") as reader, temporary.open("wb") as writer:
            while chunk := reader.read(_CHUNK):
                done += len(chunk)
                data = pending + b"".join(chunk.split())  # base64 text may be wrapped
                if _NOT_BASE64.search(data):
                    raise InvalidInputError("The file is not base64 text (unexpected characters)")
                cut = len(data) - len(data) % 4
                writer.write(_decode_block(data[:cut], params.url_safe))
                pending = data[cut:]
                progress(100 * done / total, "Decoding")
            if pending:
                padded = pending + b"=" * (-len(pending) % 4)
                writer.write(_decode_block(padded, params.url_safe))
        if temporary.stat().st_size == 0:
            raise InvalidInputError("The base64 text decodes to nothing")
        extension = params.extension or _guess_extension(temporary)
        output = output_file(output_dir, source, f".{extension.lstrip('.').lower()}", "-decoded")
        temporary.rename(output)
        return output


def _decode_block(data: bytes, url_safe: bool) -> bytes:
    if url_safe or b"-" in data or b"_" in data:
        data = data.replace(b"-", b"+").replace(b"_", b"/")
    try:
        return base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        raise InvalidInputError("The file is not valid base64 (bad padding or length)") from None


def _guess_extension(path: Path) -> str:
    with path.open("rb") as reader:
        head = reader.read(SNIFF_BYTES)
    found = sniff_kinds(head)
    return found[0].default_extension if found else ".bin"
