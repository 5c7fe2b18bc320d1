"""Malformed multipart bodies on /convert/ and /run/, through devhost's HTTP like any
client's: each answers 4xx with a message that says what is wrong, never a 500."""

from __future__ import annotations

import httpx
import pytest

pytestmark = pytest.mark.integration

B = "xyzzy"
FORM = f"multipart/form-data; boundary={B}"


def _part(headers: str, data: bytes) -> bytes:
    return f"--{B}\r\n{headers}\r\n\r\n".encode() + data + b"\r\n"


def _file(data: bytes = b"hello", name: str = "a.txt") -> bytes:
    return _part(f'Content-Disposition: form-data; name="file"; filename="{name}"', data)


END = f"--{B}--\r\n".encode()
NAMELESS = 'Content-Disposition: form-data; filename="a.txt"'
PADDED = 'Content-Disposition: form-data; name="file"; filename="a.txt"\r\nX-Pad: ' + "a" * 300_000

CASES: dict[str, tuple[str, bytes, str]] = {
    # name: (Content-Type, body, what the message must mention)
    "missing-boundary": ("multipart/form-data", _file() + END, "boundary"),
    "wrong-boundary": ("multipart/form-data; boundary=other", _file() + END, "boundary"),
    "truncated-part": (FORM, _file(b"hello " * 1000)[:3000], "truncated"),
    "truncated-headers": (FORM, f'--{B}\r\nContent-Disposition: form-da'.encode(), "truncated"),
    "part-without-name": (FORM, _part(NAMELESS, b"hi") + END, "file"),
    "huge-header-line": (FORM, _part(PADDED, b"hi") + END, "header"),
    "huge-filename": (FORM, _file(name="a" * 300 + ".txt") + END, "name"),
    "zero-byte-file": (FORM, _file(b"") + END, "empty"),
    "two-files": (FORM, _file(b"one", "a.txt") + _file(b"two", "b.txt") + END, "one file"),
    "json-content-type": ("application/json", _file() + END, "multipart"),
    "text-content-type": ("text/plain", b"hello", "multipart"),
    "empty-body": (FORM, b"", "file"),
    "garbage": (FORM, b"\x00\xff" * 500, "boundary"),
}  # fmt: skip


@pytest.mark.parametrize("route", ["convert", "run"])
@pytest.mark.parametrize("case", list(CASES))
def test_malformed_multipart_answers_4xx_with_a_message(
    api: httpx.Client, route: str, case: str
) -> None:
    content_type, body, mentions = CASES[case]
    answer = api.post(
        f"/v1/tools/base64-codec/{route}/", content=body, headers={"Content-Type": content_type}
    )
    assert 400 <= answer.status_code < 500, (answer.status_code, answer.text[:300])
    error = answer.json()
    assert error["code"] and mentions in error["error"].lower(), error
