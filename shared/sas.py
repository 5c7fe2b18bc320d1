"""Shared access signatures for one blob: upload (write) and download (read).

Upload is `sp=w` on one blob: the narrowest right that both Azure and Azurite accept for
Put Blob, Put Block and Put Block List (`create` alone cannot commit a block list on
Azurite, and adds nothing a block upload needs). No SAS right can allow a block upload and
forbid the rest: `w` also lets a client snapshot the blob, set its metadata, or create a
page or append blob under that name. So ingest accepts only block blobs and records the
ETag it checked, the processor downloads exactly that version, and every delete includes
snapshots.

Account-key SAS when storage is reached by connection string (Azurite), user delegation
SAS under managed identity. Start 15 minutes in the past for clock skew; HTTPS only when
the endpoint is HTTPS. `PUBLIC_BLOB_ENDPOINT` rewrites the URL's base for browsers that
reach storage under another name than this process does.
"""

from __future__ import annotations

import threading
from datetime import datetime, timedelta
from typing import Any

from azure.storage.blob import BlobSasPermissions, UserDelegationKey, generate_blob_sas

from shared.clock import Clock, utcnow
from shared.storage import Storage

__all__ = ["SasIssuer"]

_SKEW = timedelta(minutes=15)
_DELEGATION_KEY_LIFETIME = timedelta(hours=12)


class SasIssuer:
    def __init__(self, storage: Storage, *, clock: Clock = utcnow) -> None:
        self.storage = storage
        self.clock = clock
        self._delegation_key: UserDelegationKey | None = None
        self._delegation_expiry: datetime | None = None
        self._lock = threading.Lock()

    def upload_url(self, container: str, blob: str, *, expires_at: datetime) -> str:
        return self._url(container, blob, BlobSasPermissions(write=True), expires_at)

    def download_url(self, container: str, blob: str, *, filename: str) -> str:
        expires_at = self.clock() + timedelta(minutes=self.storage.settings.download_sas_minutes)
        disposition = f'attachment; filename="{filename}"'
        return self._url(
            container, blob, BlobSasPermissions(read=True), expires_at, disposition=disposition
        )

    def _url(
        self,
        container: str,
        blob: str,
        permission: BlobSasPermissions,
        expires_at: datetime,
        *,
        disposition: str | None = None,
    ) -> str:
        client = self.storage.blob_service.get_blob_client(container, blob)
        https = client.url.startswith("https://")
        common: dict[str, Any] = {
            "account_name": self.storage.account_name,
            "container_name": container,
            "blob_name": blob,
            "permission": permission,
            "expiry": expires_at,
            "start": self.clock() - _SKEW,
            "protocol": "https" if https else None,
            "content_disposition": disposition,
        }
        if self.storage.settings.uses_identity:
            token = generate_blob_sas(user_delegation_key=self._user_delegation_key(), **common)
        else:
            token = generate_blob_sas(
                account_key=self.storage.blob_service.credential.account_key, **common
            )
        return self._public(f"{client.url}?{token}")

    def _user_delegation_key(self) -> UserDelegationKey:
        with self._lock:
            now = self.clock()
            if (
                self._delegation_key is None
                or self._delegation_expiry is None
                or self._delegation_expiry - now < timedelta(hours=1)
            ):
                expiry = now + _DELEGATION_KEY_LIFETIME
                self._delegation_key = self.storage.blob_service.get_user_delegation_key(
                    now - _SKEW, expiry
                )
                self._delegation_expiry = expiry
            return self._delegation_key

    def _public(self, url: str) -> str:
        public = self.storage.settings.public_blob_endpoint
        if not public:
            return url
        base = self.storage.blob_service.url.rstrip("/")
        if url.startswith(base):
            return public.rstrip("/") + url[len(base) :]
        return url
