"""Blob leases in azure-webjobs-hosts, renewed by a background thread while held."""

from __future__ import annotations

import contextlib
import logging
import threading

from azure.core.exceptions import HttpResponseError, ResourceExistsError
from azure.storage.blob import BlobClient, BlobLeaseClient

from devhost.storage import HOSTS_CONTAINER, blob_service

__all__ = ["LEASE_SECONDS", "HeldLease", "ensure_hosts_container", "try_lease"]

logger = logging.getLogger(__name__)
LEASE_SECONDS = 15


def ensure_hosts_container() -> None:
    with contextlib.suppress(ResourceExistsError):
        blob_service().create_container(HOSTS_CONTAINER)


class HeldLease:
    """A lease we hold; `lost` is set when a renewal fails."""

    def __init__(
        self,
        blob: BlobClient,
        lease: BlobLeaseClient,
        *,
        created: bool = False,
        seconds: int = LEASE_SECONDS,
    ) -> None:
        self.blob, self.lease, self.seconds = blob, lease, seconds
        self.created = created  # the blob was made just now (so it has no metadata yet)
        self.lost = threading.Event()
        self._released = threading.Event()
        self._thread = threading.Thread(target=self._renew, daemon=True, name="lease-renew")
        self._thread.start()

    @property
    def id(self) -> str:
        return str(self.lease.id)

    def _renew(self) -> None:
        while not self._released.wait(self.seconds / 3):
            try:
                self.lease.renew()
            except HttpResponseError as exc:
                logger.warning("lost the lease on %s: %s", self.blob.blob_name, exc.reason)
                self.lost.set()
                return

    def release(self) -> None:
        self._released.set()
        self._thread.join()
        with contextlib.suppress(HttpResponseError):
            self.lease.release()


def try_lease(blob_name: str, seconds: int = LEASE_SECONDS) -> HeldLease | None:
    """Create blob_name if missing and lease it for `seconds` (renewed at a third of them
    while held), or None when someone else holds it."""
    blob = blob_service().get_blob_client(HOSTS_CONTAINER, blob_name)
    created = True
    try:
        blob.upload_blob(b"", overwrite=False)
    except ResourceExistsError:
        created = False
    lease = BlobLeaseClient(blob)
    try:
        lease.acquire(lease_duration=seconds)
    except HttpResponseError:  # 409 LeaseAlreadyPresent
        return None
    return HeldLease(blob, lease, created=created, seconds=seconds)
