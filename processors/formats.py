"""File kinds the tools accept and produce, each recognised by its first bytes.

Binary formats are recognised by `puremagic`'s signature database; text formats (XML
dialects, JSON, CSV, plain text) by small sniffers, because a magic number cannot tell a
GPX track from any other XML file. Tools name the kinds they take and give; the pipeline
checks an upload against them reading only `SNIFF_BYTES` of the blob.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

import puremagic

__all__ = ["KINDS", "SNIFF_BYTES", "FileKind", "kind", "sniff_kinds"]

SNIFF_BYTES = 8192
"""How much of a file the sniffers look at: enough for an XML prolog with comments."""

Sniffer = Callable[[bytes], bool]


@dataclass(frozen=True)
class FileKind:
    """One file format: how it is named, served and recognised."""

    name: str
    extensions: tuple[str, ...]
    media_type: str
    sniff: Sniffer = field(repr=False, compare=False)

    @property
    def default_extension(self) -> str:
        return self.extensions[0]

    def matches(self, head: bytes) -> bool:
        return self.sniff(head)


@lru_cache(maxsize=256)
def _magic_extensions(head: bytes) -> frozenset[str]:
    if not head:
        return frozenset()
    try:
        return frozenset(match.extension.lower() for match in puremagic.magic_string(head))
    except (puremagic.PureError, ValueError):
        return frozenset()


def _magic(*extensions: str) -> Sniffer:
    wanted = frozenset(extensions)
    return lambda head: bool(_magic_extensions(head) & wanted)


def _iso_brand(*brands: bytes) -> Sniffer:
    """ISO base media files (MP4, MOV, HEIF, AVIF) name their family in the ftyp box."""

    def sniff(head: bytes) -> bool:
        if head[4:8] != b"ftyp":
            return False
        box_size = int.from_bytes(head[0:4], "big")
        compatible = head[16 : max(16, min(box_size, len(head)))]
        found = {head[8:12]} | {compatible[i : i + 4] for i in range(0, len(compatible) - 3, 4)}
        return any(brand in found for brand in brands)

    return sniff


def _text(head: bytes) -> str | None:
    """The head decoded as UTF-8 text, or None when it is binary."""
    if b"\x00" in head:
        return None
    head = head.removeprefix(b"\xef\xbb\xbf")
    for cut in range(4):  # the head may end inside a multi-byte character
        try:
            return head[: len(head) - cut].decode("utf-8")
        except UnicodeDecodeError:
            continue
    return None


# A DOCTYPE may carry an internal subset in brackets (entity declarations): the file is still
# recognised as what its root says, so the tool can refuse it in words ("declares entities").
_XML_PROLOG = re.compile(
    r"^\s*(<\?xml[^>]*\?>\s*)?(<!--.*?-->\s*|<!DOCTYPE[^>\[]*(\[.*?\]\s*)?>\s*)*", re.DOTALL
)


def _xml_root(*roots: str) -> Sniffer:
    def sniff(head: bytes) -> bool:
        text = _text(head)
        if text is None:
            return False
        prolog = _XML_PROLOG.match(text)
        rest = text[prolog.end() if prolog else 0 :]
        return any(re.match(rf"<(\w+:)?{root}[\s>/]", rest) for root in roots)

    return sniff


def _json(head: bytes) -> bool:
    text = _text(head)
    if text is None or not text.lstrip().startswith(("{", "[")):
        return False
    if len(head) < SNIFF_BYTES:  # the whole file is here: it must parse
        try:
            json.loads(text, parse_int=len)  # numbers are the tool's business, not the sniffer's
        except RecursionError:  # too deep for Python's parser: the tool says so in words
            return True
        except ValueError:
            return False
    return True


def _plain_text(head: bytes) -> bool:
    text = _text(head)
    return bool(text) and all(ch.isprintable() or ch in "\r\n\t\f" for ch in text or "")


def _csv(head: bytes) -> bool:
    text = _text(head)
    if text is None or not _plain_text(head) or text.lstrip().startswith(("{", "[", "<")):
        return False
    return any(sep in text for sep in ",;\t") or "\n" not in text.strip()


def _zip_containing(member: bytes) -> Sniffer:
    """Office files are ZIP archives; their first entries name the format."""
    return lambda head: head.startswith(b"PK\x03\x04") and member in head


def _kmz(head: bytes) -> bool:
    """A KMZ is a ZIP archive whose first entry is its KML document (usually `doc.kml`)."""
    if not head.startswith(b"PK\x03\x04"):
        return False
    name_length = int.from_bytes(head[26:28], "little")  # the local file header's name
    name = head[30 : 30 + name_length]
    return len(name) == name_length and name.lower().endswith(b".kml")


def _any(head: bytes) -> bool:
    return True


KINDS: dict[str, FileKind] = {
    k.name: k
    for k in (
        FileKind(
            "jpeg",
            (".jpg", ".jpeg", ".jpe", ".jfif"),
            "image/jpeg",
            _magic(".jpg", ".jpeg", ".jfif", ".jpe"),
        ),
        FileKind("png", (".png",), "image/png", _magic(".png")),
        FileKind("webp", (".webp",), "image/webp", _magic(".webp")),
        FileKind("gif", (".gif",), "image/gif", _magic(".gif")),
        FileKind("tiff", (".tif", ".tiff"), "image/tiff", _magic(".tif", ".tiff")),
        FileKind("bmp", (".bmp", ".dib"), "image/bmp", _magic(".bmp", ".dib")),
        FileKind(
            "heic",
            (".heic", ".heif"),
            "image/heic",
            _iso_brand(b"heic", b"heix", b"hevc", b"heim", b"heis", b"mif1", b"msf1"),
        ),
        FileKind("avif", (".avif",), "image/avif", _iso_brand(b"avif", b"avis")),
        FileKind(
            "mp4",
            (".mp4", ".m4v"),
            "video/mp4",
            _iso_brand(
                b"isom",
                b"iso2",
                b"iso4",
                b"iso5",
                b"iso6",
                b"mp41",
                b"mp42",
                b"avc1",
                b"M4V ",
                b"dash",
                b"3gp4",
                b"3gp5",
                b"3gp6",
            ),
        ),
        FileKind(
            "mov",
            (".mov", ".qt"),
            "video/quicktime",
            lambda h: _iso_brand(b"qt  ")(h) or h[4:8] in (b"moov", b"mdat", b"wide", b"free"),
        ),
        FileKind(
            "webm",
            (".webm",),
            "video/webm",
            lambda h: h.startswith(b"\x1a\x45\xdf\xa3") and b"webm" in h[:64],
        ),
        FileKind("mkv", (".mkv",), "video/x-matroska", lambda h: h.startswith(b"\x1a\x45\xdf\xa3")),
        FileKind(
            "avi", (".avi",), "video/x-msvideo", lambda h: h[:4] == b"RIFF" and h[8:12] == b"AVI "
        ),
        FileKind(
            "mp3",
            (".mp3",),
            "audio/mpeg",
            lambda h: h.startswith(b"ID3") or (len(h) > 1 and h[0] == 0xFF and h[1] & 0xE6 == 0xE2),
        ),
        FileKind(
            "m4a",
            (".m4a", ".aac"),
            "audio/mp4",
            lambda h: (
                _iso_brand(b"M4A ")(h) or (len(h) > 1 and h[0] == 0xFF and h[1] & 0xF6 == 0xF0)
            ),
        ),
        FileKind("wav", (".wav",), "audio/wav", lambda h: h[:4] == b"RIFF" and h[8:12] == b"WAVE"),
        FileKind("pdf", (".pdf",), "application/pdf", lambda h: b"%PDF-" in h[:1024]),
        FileKind(
            "docx",
            (".docx",),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            _zip_containing(b"word/"),
        ),
        FileKind(
            "xlsx",
            (".xlsx",),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            _zip_containing(b"xl/"),
        ),
        FileKind("kmz", (".kmz",), "application/vnd.google-earth.kmz", _kmz),
        FileKind(
            "zip",
            (".zip",),
            "application/zip",
            lambda h: h.startswith((b"PK\x03\x04", b"PK\x05\x06")),
        ),
        FileKind("gpx", (".gpx",), "application/gpx+xml", _xml_root("gpx")),
        FileKind("kml", (".kml",), "application/vnd.google-earth.kml+xml", _xml_root("kml")),
        FileKind("geojson", (".geojson", ".json"), "application/geo+json", _json),
        FileKind("json", (".json",), "application/json", _json),
        FileKind("csv", (".csv", ".tsv"), "text/csv", _csv),
        FileKind("text", (".txt", ".b64", ".base64"), "text/plain", _plain_text),
        FileKind("binary", (), "application/octet-stream", _any),
    )
}
"""Every kind by name. `binary` has no extensions: a tool taking it accepts any file."""


def kind(name: str) -> FileKind:
    """The kind called `name`; a KeyError names a kind nobody declared."""
    return KINDS[name]


def sniff_kinds(head: bytes) -> list[FileKind]:
    """Every declared kind whose signature `head` carries (most specific first)."""
    return [k for k in KINDS.values() if k.extensions and k.matches(head)]
