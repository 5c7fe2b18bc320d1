"""A TCP proxy in front of Azurite that counts storage transactions (HTTP requests) per service.

Everything the app, devhost and the benchmark's uploads send to storage passes through it
when their connection string names the proxy's ports (`connection_string`). A request is
counted at its request line; an entity-group transaction (`$batch`) is one request, as it
is one billed transaction. Each request is counted as `app` or as `polling`: what the
trigger machinery does to find work (blob listings and the receipts devhost keeps in
`azure-webjobs-hosts` for its blob-trigger emulation, which Event Grid replaces in Azure;
queue message reads, which find a message or find none); or as `auth`: the API key's read,
which a warm instance repeats once per 30 s per key whatever the number of jobs.
"""

from __future__ import annotations

import asyncio
import re
import threading
from collections import Counter

from devhost.azurite import ACCOUNT_KEY, ACCOUNT_NAME, Azurite, free_port

__all__ = ["CountingProxy"]

_REQUEST_LINE = re.compile(rb"(?:^|\r\n)(GET|PUT|POST|DELETE|HEAD|MERGE|PATCH) (/[^ \r\n]*) HTTP/1")


class CountingProxy:
    def __init__(self, azurite: Azurite) -> None:
        self.targets = {
            "blob": azurite.blob_port,
            "queue": azurite.queue_port,
            "table": azurite.table_port,
        }
        self.ports = {service: free_port() for service in self.targets}
        self.counts: Counter[tuple[str, str]] = Counter()
        self._lock = threading.Lock()
        self._loop = asyncio.new_event_loop()
        ready = threading.Event()
        threading.Thread(target=self._serve, args=(ready,), daemon=True).start()
        ready.wait(10)

    @property
    def connection_string(self) -> str:
        ports = self.ports
        return (
            f"DefaultEndpointsProtocol=http;AccountName={ACCOUNT_NAME};AccountKey={ACCOUNT_KEY};"
            f"BlobEndpoint=http://127.0.0.1:{ports['blob']}/{ACCOUNT_NAME};"
            f"QueueEndpoint=http://127.0.0.1:{ports['queue']}/{ACCOUNT_NAME};"
            f"TableEndpoint=http://127.0.0.1:{ports['table']}/{ACCOUNT_NAME};"
        )

    def snapshot(self) -> Counter[tuple[str, str]]:
        with self._lock:
            return Counter(self.counts)

    def stop(self) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)

    def _serve(self, ready: threading.Event) -> None:
        asyncio.set_event_loop(self._loop)
        for service, port in self.ports.items():
            self._loop.run_until_complete(
                asyncio.start_server(
                    lambda r, w, s=service: self._pipe_pair(r, w, s), "127.0.0.1", port
                )
            )
        ready.set()
        self._loop.run_forever()

    async def _pipe_pair(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, service: str
    ) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.targets[service])
        except OSError:
            writer.close()
            return
        await asyncio.gather(
            self._pipe(reader, up_writer, service), self._pipe(up_reader, writer, None)
        )

    async def _pipe(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, service: str | None
    ) -> None:
        try:
            while chunk := await reader.read(65536):
                if service is not None:
                    for method, path in _REQUEST_LINE.findall(chunk):
                        with self._lock:
                            self.counts[service, _kind(service, method, path)] += 1
                writer.write(chunk)
                await writer.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            writer.close()


def _kind(service: str, method: bytes, path: bytes) -> str:
    if service == "table" and b"/apikeys" in path:
        return "auth"  # a key's read, once per 30 s of an instance's cache (shared.keys)
    if service == "blob" and (b"comp=list" in path or b"/azure-webjobs" in path):
        return "polling"
    if service == "queue" and method == b"GET" and b"/messages" in path:
        return "polling"
    return "app"
