"""Queue message bodies: base64 (the host's default) or none."""

from __future__ import annotations

import pytest

from devhost.queues import NotBase64Error, decode_body
from devhost.storage import encode_message


def test_base64_round_trip_keeps_utf8() -> None:
    encoded = encode_message("héllo ✓", "base64")
    assert encoded == "aMOpbGxvIOKckw=="
    assert decode_body(encoded, "base64") == "héllo ✓".encode()


def test_none_encoding_is_raw_text() -> None:
    assert encode_message(b"plain", "none") == "plain"
    assert decode_body("plain", "none") == b"plain"


def test_text_that_is_not_base64_is_refused_as_in_azure() -> None:
    with pytest.raises(NotBase64Error):
        decode_body('{"a": 1}', "base64")
