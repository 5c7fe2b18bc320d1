"""The client's download: complete files only, even when the connection drops."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from client.api import MagicToolboxClient
from client.errors import ClientError

BODY = b"0123456789" * 1000


class _Storage(http.server.BaseHTTPRequestHandler):
    """Stands in for blob storage: /whole sends the body, /cut stops a third of the way."""

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Length", str(len(BODY)))
        self.end_headers()
        self.wfile.write(BODY if self.path == "/whole" else BODY[: len(BODY) // 3])
        self.wfile.flush()
        self.close_connection = True

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def storage() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Storage)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _client(storage: str, blob_path: str) -> MagicToolboxClient:
    """A client whose API redirects every download to `blob_path` on the fake storage."""
    api = httpx.MockTransport(
        lambda request: httpx.Response(302, headers={"Location": storage + blob_path})
    )
    return MagicToolboxClient("http://api.test/api", "key", transport=api)


def test_a_complete_download_lands_under_its_name(storage: str, tmp_path: Path) -> None:
    seen: list[tuple[int, int]] = []
    with _client(storage, "/whole") as client:
        saved = client.download(
            "job", tmp_path / "out.bin", progress=lambda d, t: seen.append((d, t))
        )
    assert saved.read_bytes() == BODY
    assert seen[-1] == (len(BODY), len(BODY))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.bin"]


def test_an_interrupted_download_leaves_no_file(storage: str, tmp_path: Path) -> None:
    (tmp_path / "out.bin").write_bytes(b"an older result")
    with _client(storage, "/cut") as client, pytest.raises(ClientError, match="interrupted"):
        client.download("job", tmp_path / "out.bin")
    assert (tmp_path / "out.bin").read_bytes() == b"an older result"  # untouched
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.bin"]  # no .part left
