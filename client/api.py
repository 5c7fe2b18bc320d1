"""A typed Python client for the MagicToolbox HTTP API (used by the CLI, tests and benchmarks).

Reads nothing from the environment itself: pass `base_url` and `api_key`
(the CLI takes them from MAGICTOOLBOX_API_URL / MAGICTOOLBOX_API_KEY).
"""

from __future__ import annotations

import email.utils
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

import httpx
from azure.core.exceptions import AzureError, HttpResponseError
from azure.storage.blob import BlobClient

from client.errors import ApiError, AuthError, JobFailedError

__all__ = ["FINAL_STATUSES", "MagicToolboxClient"]

FINAL_STATUSES = frozenset({"completed", "failed", "expired"})
ByteProgress = Callable[[int, int], None]
"""progress(bytes_done, bytes_total)."""
StatusCallback = Callable[[dict[str, Any]], None]


MAX_RETRY_AFTER = 30.0
"""The longest Retry-After a call waits out (once) before giving up with the 429."""


def retry_after(response: httpx.Response) -> float:
    """Seconds the answer asks to wait (Retry-After in seconds or as an HTTP date), or 0."""
    value = response.headers.get("Retry-After", "").strip()
    if not value:
        return 0.0
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return 0.0
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _transient(error: ApiError) -> bool:
    return error.status_code in (0, 429) or error.status_code >= 500


class MagicToolboxClient:
    """One API key against one deployment. Use as a context manager or call `close()`."""

    def __init__(
        self,
        base_url: str,
        api_key: str,
        *,
        timeout: float = 30.0,
        poll_interval: float = 2.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        """`transport` replaces the network for calls to the API (not to blob storage)."""
        self.base_url = base_url.rstrip("/")
        self.poll_interval = poll_interval
        self._http = httpx.Client(
            base_url=self.base_url,
            headers={"X-API-Key": api_key, "Accept": "application/json"},
            timeout=timeout,
            transport=transport,
        )

    def __enter__(self) -> MagicToolboxClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    # -- raw routes ---------------------------------------------------------------------------

    def _send(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """One request; a 429 is honoured once (its Retry-After waited out, when short)."""
        for attempt in (1, 2):
            try:
                response = self._http.request(method, path, **kwargs)
            except httpx.TransportError as exc:
                raise ApiError(0, f"cannot reach {self.base_url}: {exc}") from None
            wait = retry_after(response)
            if response.status_code != 429 or attempt == 2 or wait > MAX_RETRY_AFTER:
                return response
            time.sleep(wait)
        raise AssertionError("unreachable")

    def _request(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self._send(method, path, **kwargs)
        self._raise_for(response)
        if response.status_code == 204 or not response.content:
            return None
        return response.json()

    def tools(self) -> list[dict[str, Any]]:
        data = self._request("GET", "/v1/tools/")
        return list(data["results"] if isinstance(data, dict) else data)

    def tool(self, name: str) -> dict[str, Any]:
        for entry in self.tools():
            if entry["name"] == name:
                return entry
        raise ApiError(404, f"there is no tool called {name}", code="unknown_tool")

    def create_upload(
        self, tool: str, files: Sequence[Path], parameters: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """POST .../uploads/: one file as {filename, size}, several as {files: [...]}."""
        declared = [{"filename": f.name, "size": f.stat().st_size} for f in files]
        body: dict[str, Any] = {"parameters": parameters or {}}
        if len(declared) == 1:
            body.update(declared[0])
        else:
            body["files"] = declared
        return dict(self._request("POST", f"/v1/tools/{tool}/uploads/", json=body))

    def create_job(self, tool: str, parameters: dict[str, Any] | None = None) -> dict[str, Any]:
        body = {"parameters": parameters or {}}
        return dict(self._request("POST", f"/v1/tools/{tool}/jobs/", json=body))

    def status(self, execution_id: str) -> dict[str, Any]:
        return dict(self._request("GET", f"/v1/executions/{execution_id}/status/"))

    def history(
        self,
        *,
        tool_name: str | None = None,
        status: str | None = None,
        limit: int = 20,
        cursor: str | None = None,
    ) -> dict[str, Any]:
        """One page; pass a page's `next` or `previous` cursor to get that page."""
        query: dict[str, Any] = {"limit": limit}
        if cursor:
            query["cursor"] = cursor
        if tool_name:
            query["tool_name"] = tool_name
        if status:
            query["status"] = status
        return dict(self._request("GET", "/v1/executions/", params=query))

    def delete(self, execution_id: str) -> None:
        self._request("DELETE", f"/v1/executions/{execution_id}/")

    def bulk_delete(self, execution_ids: Sequence[str]) -> dict[str, Any]:
        body = {"execution_ids": list(execution_ids)}
        return dict(self._request("POST", "/v1/executions/bulk-delete/", json=body))

    def download_url(self, execution_id: str) -> str:
        """The short-lived SAS URL the download route redirects to (the key is not sent there)."""
        response = self._send("GET", f"/v1/executions/{execution_id}/download/")
        if response.status_code in (301, 302, 303, 307, 308):
            return response.headers["Location"]
        self._raise_for(response)
        raise ApiError(response.status_code, "download did not redirect")

    def download(
        self, execution_id: str, destination: Path, *, progress: ByteProgress | None = None
    ) -> Path:
        """Stream the output to `destination` (a file, or a directory: the output's name).

        The bytes go to a `.part` file beside it, renamed into place once complete, so an
        interrupted download never leaves a truncated file under the real name. Whatever is
        at `destination` is replaced: the CLI decides beforehand whether that is allowed.
        """
        if destination.is_dir():
            name = Path(self.status(execution_id)["outputFilename"] or "output").name
            destination = destination / name
        partial = destination.with_name(destination.name + ".part")
        try:
            with partial.open("wb") as out:
                self.download_to(execution_id, out, progress=progress)
            partial.replace(destination)
        finally:
            partial.unlink(missing_ok=True)
        return destination

    def download_to(
        self, execution_id: str, sink: BinaryIO, *, progress: ByteProgress | None = None
    ) -> int:
        """Stream the output into an open binary stream (a file, stdout, a buffer); its size."""
        url = self.download_url(execution_id)
        done = 0
        try:
            with httpx.stream("GET", url, timeout=self._http.timeout) as response:
                if response.status_code >= 400:
                    raise ApiError(response.status_code, "the storage refused the download")
                total = int(response.headers.get("Content-Length", 0))
                for chunk in response.iter_bytes(1024 * 1024):
                    sink.write(chunk)
                    done += len(chunk)
                    if progress:
                        progress(done, total)
        except httpx.HTTPError as exc:
            raise ApiError(0, f"the download was interrupted ({exc}); nothing was saved") from exc
        sink.flush()
        return done

    def check_key(self) -> None:
        """Raise AuthError unless the API accepts the key (the catalog alone does not ask)."""
        self._request("GET", "/v1/executions/", params={"limit": 1})

    def _raise_for(self, response: httpx.Response) -> None:
        if response.status_code < 400:
            return
        try:
            body = response.json()
        except ValueError:
            body = {}
        error_type = AuthError if response.status_code == 401 else ApiError
        error = error_type(
            response.status_code, body.get("error") or "request failed", code=body.get("code")
        )
        if "Retry-After" in response.headers:
            error.retry_after = retry_after(response)
        raise error

    # -- steps of a conversion ----------------------------------------------------------------

    @staticmethod
    def upload(
        targets: Sequence[dict[str, Any]],
        files: Sequence[Path],
        *,
        progress: ByteProgress | None = None,
        max_concurrency: int = 4,
    ) -> None:
        """PUT each file straight to its SAS URL in parallel blocks (in order)."""
        total = sum(f.stat().st_size for f in files)
        done_before = 0
        for target, path in zip(targets, files, strict=True):
            blob = BlobClient.from_blob_url(target["url"])

            def hook(current: int, _total: int | None, base: int = done_before) -> None:
                if progress:
                    progress(base + current, total)

            with path.open("rb") as stream:
                try:
                    blob.upload_blob(
                        stream,
                        overwrite=True,
                        length=path.stat().st_size,
                        max_concurrency=max_concurrency,
                        progress_hook=hook,
                    )
                except HttpResponseError as exc:  # an expired SAS, a size the storage refuses
                    raise ApiError(
                        exc.status_code or 0, f"upload of {path.name} refused: {exc.reason}"
                    ) from None
                except AzureError as exc:  # no connection to the storage
                    raise ApiError(0, f"upload of {path.name} failed: {exc.message}") from None
            done_before += path.stat().st_size
            if progress:
                progress(done_before, total)

    def wait(
        self,
        execution_id: str,
        *,
        on_update: StatusCallback | None = None,
        timeout: float = 600.0,
    ) -> dict[str, Any]:
        """Poll until the job is final; return its status, raise JobFailedError unless completed."""
        deadline = time.monotonic() + timeout
        failures = 0
        while True:
            try:
                status = self.status(execution_id)
                failures = 0
            except ApiError as exc:
                # A dropped connection, a 429 or a 5xx is worth another poll; 4xx is not.
                failures += 1
                if not _transient(exc) or failures >= 3:
                    raise
                time.sleep(self.poll_interval)
                continue
            if on_update:
                on_update(status)
            if status["status"] in FINAL_STATUSES:
                break
            if time.monotonic() > deadline:
                raise TimeoutError(f"job {execution_id} still {status['status']} after {timeout}s")
            time.sleep(self.poll_interval)
        if status["status"] != "completed":
            raise JobFailedError(status)
        return status

    def convert(
        self,
        tool: str,
        files: Sequence[Path],
        parameters: dict[str, Any] | None = None,
        *,
        upload_progress: ByteProgress | None = None,
        on_update: StatusCallback | None = None,
    ) -> dict[str, Any]:
        """Submit (upload, or a no-file job), wait, and return the completed status."""
        if files:
            answer = self.create_upload(tool, files, parameters)
            targets = answer.get("uploads") or [answer["upload"]]
            self.upload(targets, files, progress=upload_progress)
        else:
            answer = self.create_job(tool, parameters)
        return self.wait(answer["executionId"], on_update=on_update)
