"""API keys: stored as SHA-256 hashes in Table `apikeys`, shown once, per tenant.

Key format `mtb_<keyid>_<secret>`: the key id is the RowKey, so a check is one point read
and a constant-time compare of hashes. A key of another shape (a DEV_API_KEY a person
chose) is stored by its hash all the same, under a key id derived from that hash.
Fail closed: no table, no entity or a revoked key mean "no"; a storage error means "not now"
(503 with Retry-After, never a 401 that would blame the key).

    python -m shared.keys create --tenant NAME [--key KEY] [--admin]
    python -m shared.keys list
    python -m shared.keys revoke KEYID
    python -m shared.keys webhook-secret --tenant NAME [--rotate]

A key may carry scopes: `admin` opens the operations view (GET /api/v1/admin/stats/).
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import logging
import re
import secrets
import sys
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from azure.core.exceptions import ResourceExistsError, ResourceNotFoundError
from azure.data.tables import TableClient

from shared.errors import storage_unavailable

__all__ = ["ApiKey", "KeyStore", "key_id_of", "named_key_id"]

log = logging.getLogger(__name__)

PARTITION = "key"
_FORMAT = re.compile(r"^mtb_(?P<id>[a-z0-9]{12})_(?P<secret>[A-Za-z0-9_-]{20,})$")
_TENANT = re.compile(r"^[A-Za-z0-9_-]{1,63}$")
_CACHE_SECONDS = 30.0  # a revoked key keeps working this long on a warm instance


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


_NAMED_ID = re.compile(r"^mtb_(?P<id>[a-z0-9]{12})_")


def named_key_id(key: str) -> str | None:
    """The key id a presented key names in the clear (`mtb_<keyid>_...`), whatever follows
    it, or None. A key of another shape names none: its stored id is derived from a hash of
    the whole key, so it is as secret as the key and every guess would name another one."""
    match = _NAMED_ID.match(key)
    return match.group("id") if match else None


def key_id_of(key: str) -> str:
    match = _FORMAT.match(key)
    return match.group("id") if match else "h" + _hash(key)[:15]


def new_key() -> str:
    return f"mtb_{secrets.token_hex(6)}_{secrets.token_urlsafe(24)}"


ADMIN = "admin"
SCOPES = frozenset({ADMIN})


@dataclass(frozen=True)
class ApiKey:
    key_id: str
    tenant: str
    created_at: datetime
    scopes: tuple[str, ...] = ()


class KeyStore:
    def __init__(self, table: TableClient) -> None:
        self.table = table
        self._cache: dict[str, tuple[float, str, tuple[str, ...]]] = {}
        self._lock = threading.Lock()

    def create(
        self, tenant: str, key: str | None = None, *, scopes: tuple[str, ...] = ()
    ) -> tuple[str, ApiKey]:
        """Store a key for `tenant`; returns (the key, its record). Idempotent for a given key."""
        if not _TENANT.match(tenant):
            raise ValueError("tenant: letters, digits, '-' and '_' only (1-63 characters)")
        unknown = set(scopes) - SCOPES
        if unknown:
            raise ValueError(f"unknown scopes: {', '.join(sorted(unknown))}")
        key = key or new_key()
        record = ApiKey(key_id_of(key), tenant, datetime.now(UTC), tuple(sorted(scopes)))
        entity = {
            "PartitionKey": PARTITION,
            "RowKey": record.key_id,
            "tenant": tenant,
            "hash": _hash(key),
            "created_at": record.created_at,
            "scopes": ",".join(record.scopes),
        }
        try:
            self.table.create_entity(entity)
        except ResourceExistsError:
            existing = self.table.get_entity(PARTITION, record.key_id)
            if not hmac.compare_digest(existing["hash"], entity["hash"]):
                raise ValueError("a different key with this key id exists") from None
            if existing["tenant"] != tenant:
                raise ValueError("this key already belongs to another tenant") from None
        return key, record

    def list(self) -> list[ApiKey]:
        return [
            ApiKey(e["RowKey"], e["tenant"], e["created_at"], _scopes(e))
            for e in self.table.query_entities("PartitionKey eq @p", parameters={"p": PARTITION})
        ]

    def revoke(self, key_id: str) -> bool:
        try:
            self.table.get_entity(PARTITION, key_id)
        except ResourceNotFoundError:
            return False
        self.table.delete_entity(PARTITION, key_id)
        with self._lock:
            self._cache = {k: v for k, v in self._cache.items() if key_id_of(k) != key_id}
        return True

    def tenant_for(self, key: str) -> str | None:
        """The tenant owning `key`, or None: unknown, revoked or malformed. Storage down:
        ServiceUnavailableError."""
        found = self._lookup(key)
        return found[0] if found else None

    def scopes_for(self, key: str) -> tuple[str, ...]:
        """The scopes of a valid `key` (read with its tenant, so usually from the cache)."""
        found = self._lookup(key)
        return found[1] if found else ()

    def _lookup(self, key: str) -> tuple[str, tuple[str, ...]] | None:
        if not key or len(key) > 256:
            return None
        now = time.monotonic()
        with self._lock:
            cached = self._cache.get(key)
        if cached and now - cached[0] < _CACHE_SECONDS:
            return cached[1], cached[2]
        try:
            entity = self.table.get_entity(PARTITION, key_id_of(key))
        except ResourceNotFoundError:
            return None
        except Exception as exc:
            # Still closed, but a 503 and not a 401: the key may be right, and a storage
            # outage must not count as a wrong key against the caller's address.
            log.warning("api key lookup failed (%s); refusing the request", type(exc).__name__)
            raise storage_unavailable() from None
        if not hmac.compare_digest(str(entity.get("hash", "")), _hash(key)):
            return None
        tenant, scopes = str(entity["tenant"]), _scopes(entity)
        with self._lock:
            self._cache[key] = (now, tenant, scopes)
        return tenant, scopes


def _scopes(entity: Any) -> tuple[str, ...]:
    return tuple(s for s in str(entity.get("scopes") or "").split(",") if s)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m shared.keys", description="Manage API keys")
    commands = parser.add_subparsers(dest="command", required=True)
    create = commands.add_parser("create", help="create a key and print it once")
    create.add_argument("--tenant", required=True)
    create.add_argument("--key", help="use this key instead of a random one")
    create.add_argument("--admin", action="store_true", help="may read /api/v1/admin/stats/")
    commands.add_parser("list", help="list key ids and tenants (never the keys)")
    revoke = commands.add_parser("revoke", help="delete a key by its id")
    revoke.add_argument("key_id")
    webhook = commands.add_parser("webhook-secret", help="print a tenant's webhook secret")
    webhook.add_argument("--tenant", required=True)
    webhook.add_argument(
        "--rotate", action="store_true", help="new secret; the old one signs too for 24 h"
    )
    args = parser.parse_args(argv)

    from shared.naming import APIKEYS_TABLE, WEBHOOK_SECRETS_TABLE
    from shared.storage import get_storage

    storage = get_storage()
    if args.command == "webhook-secret":
        from shared.webhook_secrets import WebhookSecretStore

        storage.table_service.create_table_if_not_exists(WEBHOOK_SECRETS_TABLE)
        store = WebhookSecretStore(storage.table_service.get_table_client(WEBHOOK_SECRETS_TABLE))
        now = datetime.now(UTC)
        secret = (
            store.rotate(args.tenant, now=now) if args.rotate else store.get(args.tenant, now=now)
        )
        print(secret.secret)
        if secret.previous and secret.previous_until and secret.previous_until > now:
            print(f"previous secret, valid until {secret.previous_until.isoformat()}:")
            print(secret.previous)
        return 0
    storage.table_service.create_table_if_not_exists(APIKEYS_TABLE)
    keys = KeyStore(storage.apikeys_table)
    if args.command == "create":
        try:
            key, record = keys.create(args.tenant, args.key, scopes=(ADMIN,) if args.admin else ())
        except ValueError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        scopes = f" with scopes {','.join(record.scopes)}" if record.scopes else ""
        print(f"created key {record.key_id} for tenant {record.tenant}{scopes}; shown only once:")
        print(key)
    elif args.command == "list":
        for record in keys.list():
            scopes = ",".join(record.scopes) or "-"
            print(f"{record.key_id}\t{record.tenant}\t{scopes}\t{record.created_at.isoformat()}")
    elif not keys.revoke(args.key_id):
        print(f"no key {args.key_id}", file=sys.stderr)
        return 1
    else:
        print(f"revoked {args.key_id}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
