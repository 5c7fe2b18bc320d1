# ruff: noqa: E501  (one case per line reads as a table)
"""A hostile corpus, generated at test time (nothing is stored): bombs, loops, polyglots,
truncated and lying files, playlists, XML attacks, zip bombs, formula cells, depth bombs.

Each `Case` names the tool it is sent to, how to build its file, and what the pipeline must
answer: a final state in `outcomes` and, when it fails, one of `codes` with a message that
matches `message` (plain words: never a traceback or a library's advice to its programmer).
`ci=True` marks the representative subset `make test` runs; `make reliability` runs all.
`listener` is the URL of a local HTTP server: a case that refers to it must never reach it.
"""

from __future__ import annotations

import io
import struct
import subprocess
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

Builder = Callable[[Path, str], None]
"""builder(path, listener_url) writes the hostile file at `path`."""

FAILED, COMPLETED = "failed", "completed"
UNREADABLE = r"(?i)not|refused|limit|too|damaged|password|nest|digits|lasts|could|bomb|over"


@dataclass(frozen=True)
class Case:
    name: str
    tool: str
    filename: str
    build: Builder
    outcomes: tuple[str, ...] = (FAILED,)
    codes: tuple[str, ...] = ("invalid_input", "limit_exceeded")
    message: str = UNREADABLE
    params: dict[str, Any] = field(default_factory=dict)
    ci: bool = False
    check_output: Callable[[bytes], None] | None = None


# -- small writers ----------------------------------------------------------------------


def _png_chunk(tag: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))


def png(width: int, height: int, *, rows: int | None = None) -> bytes:
    """An RGB PNG of zeros; `rows` < height writes a PNG whose header promises more."""
    packer = zlib.compressobj(9)
    row = b"\0" * (1 + 3 * width)
    data = b"".join(packer.compress(row) for _ in range(height if rows is None else rows))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", data + packer.flush())
        + _png_chunk(b"IEND", b"")
    )


def _riff(tag: bytes, data: bytes) -> bytes:
    return tag + struct.pack("<I", len(data)) + data + (b"\0" if len(data) % 2 else b"")


def _riff_list(kind: bytes, *parts: bytes) -> bytes:
    return _riff(b"LIST", kind + b"".join(parts))


def avi_of_pngs(sizes: list[tuple[int, int]]) -> bytes:
    """An AVI with one PNG video stream per size, one frame each (a 747 KB 16000² frame)."""
    frames = [png(w, h) for w, h in sizes]
    streams = []
    for (w, h), frame in zip(sizes, frames, strict=True):
        strh = b"vids" + b"MPNG"
        strh += struct.pack(
            "<IHHIIIIIIIIhhhh", 0, 0, 0, 0, 1, 1, 0, 1, len(frame), 0, 0, 0, 0, w, h
        )
        strf = struct.pack("<IiiHH4sIiiII", 40, w, h, 1, 24, b"MPNG", 0, 0, 0, 0, 0)
        streams.append(_riff_list(b"strl", _riff(b"strh", strh), _riff(b"strf", strf)))
    width, height = sizes[0]
    biggest = max(len(f) for f in frames)
    avih = struct.pack(
        "<IIIIIIIIII16x", 1_000_000, 0, 0, 0, 1, 0, len(sizes), biggest, width, height
    )
    movi = _riff_list(b"movi", *(_riff(b"%02ddc" % i, f) for i, f in enumerate(frames)))
    body = b"AVI " + _riff_list(b"hdrl", _riff(b"avih", avih), *streams) + movi
    return b"RIFF" + struct.pack("<I", len(body)) + body


def _ffmpeg(*args: str, stdout: Any = None) -> None:
    from processors.video.probe import ffmpeg_exe

    command = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", "-y", *args]
    subprocess.run(command, check=True, timeout=120, stdout=stdout)


def _zip(members: dict[str, bytes], *, level: int = 9) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _raw_pdf(objects: list[bytes], *, trailer: bytes = b"/Root 1 0 R") -> bytes:
    """A PDF from numbered object bodies (1-based), with a correct cross-reference table."""
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d %s >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        trailer,
        xref,
    )
    return bytes(out)


def _gpx(body: str, *, prolog: str = "") -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        + prolog
        + '<gpx version="1.1" creator="hostile" xmlns="http://www.topografix.com/GPX/1/1">'
        + body
        + "</gpx>"
    ).encode()


_TRACK = (
    '<trk><name>t</name><trkseg><trkpt lat="1" lon="2"/><trkpt lat="1.1" lon="2"/></trkseg></trk>'
)


def xlsx_of(cells: list[list[str]]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    for row in cells:
        sheet.append(row)
    for row in sheet.iter_rows():
        for cell in row:
            cell.data_type = "s"  # stored as text, exactly as typed
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


FORMULA_CELLS = [
    "=cmd|' /C calc'!A0",
    '=HYPERLINK("http://x.invalid","y")',
    "+1+1",
    "-2+3",
    "@SUM(1)",
    "\tx",
]
"""Cells a spreadsheet would run (a leading CR does not survive XLSX: XML turns it into LF)."""


def _escaped_csv(data: bytes) -> None:
    import csv

    rows = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
    values = [v for row in rows for v in row if v]
    assert values, "empty CSV"
    for value in values:
        assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), value


# -- builders -----------------------------------------------------------------------------


def _write(data: bytes | Callable[[str], bytes]) -> Builder:
    """A builder writing `data`, or what `data(listener)` makes (built only when needed)."""

    def build(path: Path, listener: str) -> None:
        path.write_bytes(data(listener) if callable(data) else data)

    return build


def _jpeg(width: int = 64, height: int = 48) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(buffer, "JPEG")
    return buffer.getvalue()


def _gif_screen_bomb() -> bytes:
    # A 1x1 image on a 65535 x 65535 logical screen: decoders allocate the screen.
    screen = b"GIF89a" + struct.pack("<HHBBB", 65535, 65535, 0x80, 0, 0) + b"\0\0\0\xff\xff\xff"
    image = b"\x2c" + struct.pack("<HHHHB", 0, 0, 1, 1, 0) + b"\x02\x02\x44\x01\x00"
    return screen + image + b"\x3b"


def _small_image(data: bytes) -> None:
    """The output is a real image of the frame's size, not of the declared screen."""
    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        assert max(image.size) <= 100, image.size


def _webp_bomb() -> bytes:
    # A lossless WebP header declaring 16384 x 16384, with no real image data behind it.
    bits = (16383) | (16383 << 14)
    payload = b"\x2f" + struct.pack("<I", bits) + b"\0" * 32
    chunk = b"VP8L" + struct.pack("<I", len(payload)) + payload
    return b"RIFF" + struct.pack("<I", 4 + len(chunk)) + b"WEBP" + chunk


def _mkv_without_duration(path: Path, listener: str) -> None:
    # Written to a pipe, Matroska has no Duration and no index: 31 minutes, unannounced.
    with path.open("wb") as sink:
        _ffmpeg(
            *("-f", "lavfi", "-i", "color=size=16x16:rate=1:duration=1860"),
            *("-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"),
            *("-f", "matroska", "pipe:1"),
            stdout=sink,
        )


def _mp4(path: Path, listener: str) -> None:
    _ffmpeg(
        *("-f", "lavfi", "-i", "testsrc=size=64x48:rate=5:duration=1"),
        *("-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-f", "mp4"),
        str(path),
    )


def _pdf_loop() -> bytes:
    return _raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Pages /Kids [2 0 R] /Count 1 /Parent 2 0 R >>",
        ]
    )


def _pdf_image_bomb() -> bytes:
    data = zlib.compress(b"\0" * 1000)
    image = (
        b"<< /Type /XObject /Subtype /Image /Width 20000 /Height 20000 /ColorSpace /DeviceGray "
        b"/BitsPerComponent 8 /Filter /FlateDecode /Length %d >>\nstream\n"
        % len(data)
        + data
        + b"\nendstream"
    )
    content = b"q 100 0 0 100 0 0 cm /Im0 Do Q"
    return _raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R "
            b"/Resources << /XObject << /Im0 5 0 R >> >> >>",
            b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
            image,
        ]
    )


def _pdf(pages: int = 1, *, owner: str = "", user: str = "") -> Callable[[str], bytes]:
    def make(listener: str) -> bytes:
        import pymupdf

        document = pymupdf.open()
        for number in range(pages):
            document.new_page().insert_text((72, 72), f"page {number + 1}")
        options: dict[str, Any] = {}
        if owner or user:
            options = {
                "encryption": pymupdf.PDF_ENCRYPT_AES_256,
                "owner_pw": owner,
                "user_pw": user,
                "permissions": 0,
            }
        data: bytes = document.tobytes(**options)
        return data

    return make


def _jpeg_pdf_polyglot(listener: str) -> bytes:
    """A JPEG that MuPDF may also read as a PDF: either outcome, but a clear one."""
    pdf = _pdf()(listener)
    jpeg = _jpeg()
    # A JPEG comment segment carrying the PDF header within the first KB, then the JPEG.
    comment = b"%PDF-1.7 hostile"
    return jpeg[:2] + b"\xff\xfe" + struct.pack(">H", len(comment) + 2) + comment + jpeg[2:] + pdf


def _kmz_bomb() -> bytes:
    kml = b'<?xml version="1.0"?><kml xmlns="http://www.opengis.net/kml/2.2"><Document>'
    return _zip({"doc.kml": kml + b" " * (110 * 1024 * 1024) + b"</Document></kml>"}, level=9)


def _kmz_slip() -> bytes:
    kml = (
        b'<?xml version="1.0"?><kml xmlns="http://www.opengis.net/kml/2.2"><Document><Placemark>'
        b"<name>p</name><Point><coordinates>2,1,0</coordinates></Point></Placemark></Document></kml>"
    )
    return _zip({"../../../tmp/evil.kml": kml})


def _xlsx_bomb() -> bytes:
    sheet = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    base = xlsx_of([["a"]])
    with zipfile.ZipFile(io.BytesIO(base)) as source:
        members = {name: source.read(name) for name in source.namelist()}
    members["xl/worksheets/sheet1.xml"] = (
        sheet + b" " * (40 * 1024 * 1024) + b"<sheetData/></worksheet>"
    )
    return _zip(members)


# -- the corpus -------------------------------------------------------------------------

CASES: list[Case] = [
    # images
    Case(
        "png-header-bomb",
        "image-format-converter",
        "bomb.png",
        _write(lambda _: png(30000, 30000, rows=4)),
        codes=("limit_exceeded",),
        ci=True,
    ),
    Case(
        "gif-screen-bomb",
        "image-resizer",
        "screen.gif",
        _write(lambda _: _gif_screen_bomb()),
        params={"width": 100},
        # libvips decodes the 1x1 frame, never the 65535² screen: resizing it is fine.
        outcomes=(COMPLETED, FAILED),
        check_output=_small_image,
    ),
    Case("webp-header-bomb", "image-compressor", "bomb.webp", _write(lambda _: _webp_bomb())),
    Case(
        "truncated-jpeg",
        "image-format-converter",
        "half.jpg",
        _write(lambda _: _jpeg(640, 480)[:900]),
        ci=True,
    ),
    Case(
        "pdf-named-png",
        "image-format-converter",
        "lying.png",
        _write(_pdf()),
        codes=("unsupported_type",),
        ci=True,
    ),
    Case(
        "jpeg-zip-polyglot",
        "image-format-converter",
        "poly.jpg",
        _write(lambda _: _jpeg() + _zip({"a.txt": b"x"})),
        outcomes=(COMPLETED,),
    ),
    Case(
        "jpeg-pdf-polyglot",
        "pdf-to-text",
        "poly.pdf",
        _write(_jpeg_pdf_polyglot),
        outcomes=(COMPLETED, FAILED),
    ),
    # video
    Case(
        "hls-playlist-as-mp4",
        "video-thumbnail",
        "list.mp4",
        _write(b"#EXTM3U\n#EXTINF:1,\nhttp://127.0.0.1:9/a.ts\n"),
        codes=("unsupported_type",),
        ci=True,
    ),
    Case(
        "ffconcat-in-mkv",
        "video-thumbnail",
        "list.mkv",
        _write(
            lambda url: (
                b"\x1a\x45\xdf\xa3ffconcat version 1.0\nfile '" + url.encode() + b"/a.mp4'\n"
            )
        ),
        ci=True,  # points FFmpeg at the listener: CI checks nothing is fetched
    ),
    Case(
        "concat-protocol-name",
        "video-thumbnail",
        "concat:a.mp4|b.mp4.mp4",
        _mp4,
        outcomes=(COMPLETED,),
        params={"time": 0.2},
    ),
    Case(
        "second-stream-16000",
        "video-thumbnail",
        "two.avi",
        _write(lambda _: avi_of_pngs([(16, 16), (16000, 16000)])),
        codes=("limit_exceeded",),
        ci=True,
    ),
    Case(
        "mkv-40-min-no-duration",
        "video-rotation",
        "long.mkv",
        _mkv_without_duration,
        codes=("limit_exceeded",),
        params={"mode": "lossless"},
        message="(?i)longer than 30 minutes",
    ),
    # PDF
    Case(
        "pdf-page-tree-loop",
        "pdf-to-text",
        "loop.pdf",
        _write(lambda _: _pdf_loop()),
        message="(?i)damaged",
        ci=True,
    ),
    Case(
        "pdf-user-password",
        "pdf-split",
        "locked.pdf",
        _write(_pdf(owner="o", user="u")),
        message="(?i)password",
    ),
    Case(
        "pdf-owner-password-only",
        "pdf-to-text",
        "owner.pdf",
        _write(_pdf(owner="o")),
        outcomes=(COMPLETED,),
    ),
    Case(
        "pdf-image-bomb",
        "pdf-to-images",
        "bomb.pdf",
        _write(lambda _: _pdf_image_bomb()),
        codes=("limit_exceeded",),
    ),
    Case("pdf-600-pages", "pdf-to-text", "many.pdf", _write(_pdf(600)), codes=("limit_exceeded",)),
    # XML: GPX / KML / KMZ
    Case(
        "gpx-billion-laughs",
        "gpx-analyzer",
        "laughs.gpx",
        _write(
            _gpx(
                _TRACK,
                prolog='<!DOCTYPE gpx [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>',
            )
        ),
        message="(?i)DTD or entities",
        ci=True,
    ),
    Case(
        "gpx-xxe",
        "gpx-to-geojson",
        "xxe.gpx",
        _write(
            lambda url: _gpx(
                "<metadata><name>&x;</name></metadata>" + _TRACK,
                prolog=f'<!DOCTYPE gpx [<!ENTITY x SYSTEM "{url}/xxe">]>',
            )
        ),
        message="(?i)DTD or entities",
        ci=True,  # points the XML parser at the listener: CI checks nothing is fetched
    ),
    Case(
        "gpx-external-dtd",
        "gpx-speed-modifier",
        "dtd.gpx",
        _write(lambda url: _gpx(_TRACK, prolog=f'<!DOCTYPE gpx SYSTEM "{url}/dtd">')),
        message="(?i)DTD or entities",
    ),
    Case(
        "gpx-xinclude",
        "gpx-kml-converter",
        "xi.gpx",
        _write(
            lambda url: _gpx(
                f'<extensions><xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="{url}/xi"/></extensions>'
                + _TRACK
            )
        ),
        outcomes=(COMPLETED, FAILED),
    ),
    Case(
        "gpx-deep-nesting",
        "gpx-analyzer",
        "deep.gpx",
        _write(_gpx("<extensions>" + "<a>" * 50000 + "</a>" * 50000 + "</extensions>" + _TRACK)),
        message="(?i)nest",
    ),
    Case(
        "gpx-huge-text",
        "gpx-analyzer",
        "text.gpx",
        _write(_gpx("<metadata><desc>" + "A" * (11 * 1024 * 1024) + "</desc></metadata>" + _TRACK)),
        message="(?i)text",
    ),
    Case(
        "kmz-zip-bomb",
        "gpx-kml-converter",
        "bomb.kmz",
        _write(lambda _: _kmz_bomb()),
        codes=("limit_exceeded",),
        ci=True,
    ),
    Case(
        "kmz-zip-slip",
        "gpx-kml-converter",
        "slip.kmz",
        _write(lambda _: _kmz_slip()),
        outcomes=(COMPLETED, FAILED),
    ),
    # spreadsheets and JSON
    Case(
        "xlsx-zip-bomb",
        "csv-xlsx-converter",
        "bomb.xlsx",
        _write(lambda _: _xlsx_bomb()),
        codes=("limit_exceeded",),
    ),
    Case(
        "xlsx-formula-injection",
        "csv-xlsx-converter",
        "formulas.xlsx",
        _write(xlsx_of([["name", "value"], *[[c, c] for c in FORMULA_CELLS]])),
        outcomes=(COMPLETED,),
        check_output=_escaped_csv,
        ci=True,
    ),
    Case(
        "csv-huge-field",
        "csv-xlsx-converter",
        "line.csv",
        _write(b"a,b\n" + b"x" * (10 * 1024 * 1024) + b",1\n"),
    ),
    Case(
        "csv-600-columns",
        "csv-xlsx-converter",
        "wide.csv",
        _write(
            ",".join(f"c{i}" for i in range(600)).encode() + b"\n" + b",".join([b"1"] * 600) + b"\n"
        ),
        codes=("limit_exceeded",),
    ),
    Case(
        "json-depth-bomb",
        "spreadsheet-report",
        "deep.json",
        _write(b"[" * 200_000 + b"]" * 200_000),
        message="(?i)nest",
        ci=True,
    ),
    Case(
        "json-number-bomb",
        "spreadsheet-report",
        "digits.json",
        _write(b'[{"a": ' + b"9" * 5000 + b"}]"),
        outcomes=(COMPLETED, FAILED),
        message="(?i)digits",
    ),
]
