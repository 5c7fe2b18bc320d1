"""What is wrong with a multipart/form-data body, in words, before its fields are used.

The host's form parser is lenient: a body without a boundary, cut short, or with two files
parses as a form without them (or with the first), and the client would learn only that
no `file` field arrived, or nothing at all. `check_form` names the actual problem; it reads
the raw body the host already holds, and copies only part headers.
"""

from __future__ import annotations

from email.message import Message

from shared.api.http import ApiRequest, header
from shared.errors import BadRequestError

__all__ = ["MAX_FILENAME", "MAX_HEADER_LINE", "check_form", "check_request"]

MAX_HEADER_LINE = 8 * 1024
"""A part's header line longer than this is refused (a file name fits in far less)."""


def _boundary(content_type: str) -> str | None:
    header = Message()
    header["Content-Type"] = content_type
    value = header.get_param("boundary")
    return value if isinstance(value, str) and value else None


def _field_name(headers: bytes) -> str | None:
    for line in headers.split(b"\r\n"):
        name, _, value = line.decode("utf-8", "replace").partition(":")
        if name.strip().lower() == "content-disposition":
            header = Message()
            header["Content-Disposition"] = value.strip()
            found = header.get_param("name", header="content-disposition")
            return found if isinstance(found, str) else None
    return None


def check_form(content_type: str, body: bytes, *, files: str = "file") -> None:
    """BadRequestError naming what is wrong with this multipart body, or return."""
    boundary = _boundary(content_type)
    if boundary is None:
        raise BadRequestError(
            "multipart/form-data needs a boundary: Content-Type: multipart/form-data; boundary=...",
            code="bad_multipart",
        )
    delimiter = b"--" + boundary.encode("latin-1", "replace")
    start = body.find(delimiter)
    if start < 0:
        raise BadRequestError(
            "The body does not use the boundary its Content-Type declares", code="bad_multipart"
        )
    file_fields = 0
    while True:
        after = start + len(delimiter)
        if body[after : after + 2] == b"--":
            break  # the closing delimiter: the body is complete
        head_end = body.find(b"\r\n\r\n", after)
        next_part = body.find(b"\r\n" + delimiter, after)
        if head_end < 0 or next_part < 0 or head_end > next_part:
            raise BadRequestError(
                "The multipart body is truncated: a part or its closing boundary is missing",
                code="bad_multipart",
            )
        headers = body[after:head_end].strip(b"\r\n")
        if any(len(line) > MAX_HEADER_LINE for line in headers.split(b"\r\n")):
            raise BadRequestError(
                f"A part's header line is longer than {MAX_HEADER_LINE // 1024} KB",
                code="bad_multipart",
            )
        if _field_name(headers) == files:
            file_fields += 1
        start = next_part + 2
    if file_fields > 1:
        raise BadRequestError(
            f"Send one file per request: the form has {file_fields} `{files}` fields",
            code="file_count",
        )


MAX_FILENAME = 255
"""As for a name declared to /uploads/: longer names are refused, not cut."""


def check_request(request: ApiRequest) -> None:
    """For /convert/ and /run/: a multipart body's problems, and its file's name, in words."""
    if request.is_multipart and request.body:  # empty: the handler names what is missing
        check_form(header(request, "content-type") or "", request.body)
    if request.file is not None and len(request.file.filename) > MAX_FILENAME:
        raise BadRequestError(
            f"The file name is {len(request.file.filename)} characters long; "
            f"the limit is {MAX_FILENAME}",
            code="bad_filename",
        )
