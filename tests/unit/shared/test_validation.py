from __future__ import annotations

import pytest

from processors.registry import get_tool
from shared.errors import BadRequestError, PermanentError, TooLargeError, UnsupportedTypeError
from shared.pipeline.validation import DeclaredFile, check_arrival, check_declared_files

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 20


@pytest.fixture
def converter():
    tool = get_tool("image-format-converter")
    if tool is None:
        pytest.skip("image-format-converter not in the catalog")
    return tool


def test_declared_files(converter) -> None:
    check_declared_files(converter, [DeclaredFile(filename="a.PNG", size=10)], max_upload_bytes=100)
    with pytest.raises(UnsupportedTypeError) as refused:
        check_declared_files(
            converter, [DeclaredFile(filename="a.exe", size=10)], max_upload_bytes=100
        )
    assert ".png" in refused.value.details["accepted"]
    with pytest.raises(TooLargeError):
        check_declared_files(
            converter, [DeclaredFile(filename="a.png", size=101)], max_upload_bytes=100
        )
    with pytest.raises(BadRequestError, match="takes 1 file"):
        check_declared_files(
            converter, [DeclaredFile(filename="a.png", size=1)] * 2, max_upload_bytes=100
        )
    with pytest.raises(BadRequestError, match="empty"):
        check_declared_files(
            converter, [DeclaredFile(filename="a.png", size=0)], max_upload_bytes=100
        )


def test_arrival_checks_magic_bytes_and_real_size(converter) -> None:
    assert check_arrival(converter, "a.png", PNG, actual_size=len(PNG), limit=1000).name == "png"
    with pytest.raises(PermanentError, match="does not match") as wrong:
        check_arrival(converter, "a.png", b"GIF89a" + b"\x00" * 20, actual_size=26, limit=1000)
    assert wrong.value.code == "unsupported_type"
    with pytest.raises(PermanentError, match="limit is 10 bytes") as big:
        check_arrival(converter, "a.png", PNG, actual_size=len(PNG), limit=10)
    assert big.value.code == "too_large"


def test_no_file_tools_refuse_uploads() -> None:
    tool = get_tool("unit-converter")
    if tool is None:
        pytest.skip("unit-converter not in the catalog")
    with pytest.raises(BadRequestError, match="jobs/"):
        check_declared_files(tool, [DeclaredFile(filename="a.txt", size=1)], max_upload_bytes=10)
