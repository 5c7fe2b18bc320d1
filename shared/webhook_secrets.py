"""Each tenant's webhook signing secret (`whsec_…`, Standard Webhooks) in Table `webhooksecrets`.

One entity per tenant (PartitionKey "tenant", RowKey = tenant): the current secret and,
for ROTATION_OVERLAP after a rotation, the previous one; deliveries are signed with both
meanwhile, so a receiver can switch secrets without missing an event. A secret is created
on first use. Writes are compare-and-swap on the ETag.
"""

from __future__ import annotations

import base64
import contextlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from azure.core import MatchConditions
from azure.core.exceptions import ResourceExistsError, ResourceModifiedError, ResourceNotFoundError
from azure.data.tables import TableClient, UpdateMode

__all__ = ["ROTATION_OVERLAP", "SigningSecret", "WebhookSecretStore", "new_secret"]

PARTITION = "tenant"
PREFIX = "whsec_"
ROTATION_OVERLAP = timedelta(hours=24)


def new_secret() -> str:
    return PREFIX + base64.b64encode(secrets.token_bytes(32)).decode("ascii")


@dataclass(frozen=True)
class SigningSecret:
    tenant: str
    secret: str
    created_at: datetime
    previous: str | None = None
    previous_until: datetime | None = None

    def signing(self, now: datetime) -> list[str]:
        """The secrets to sign with at `now`: the current one, and the previous one while
        it is still honoured."""
        if self.previous and self.previous_until and now < self.previous_until:
            return [self.secret, self.previous]
        return [self.secret]


class WebhookSecretStore:
    def __init__(self, table: TableClient) -> None:
        self.table = table

    def _read(self, tenant: str) -> tuple[SigningSecret, str] | None:
        try:
            entity = self.table.get_entity(PARTITION, tenant)
        except ResourceNotFoundError:
            return None
        record = SigningSecret(
            tenant=tenant,
            secret=str(entity["secret"]),
            created_at=entity["created_at"],
            previous=entity.get("previous") or None,
            previous_until=entity.get("previous_until"),
        )
        return record, str(entity.metadata["etag"])

    def get(self, tenant: str, *, now: datetime) -> SigningSecret:
        """The tenant's secret, created on first use."""
        found = self._read(tenant)
        if found is not None:
            return found[0]
        entity: dict[str, object] = {"PartitionKey": PARTITION, "RowKey": tenant}
        entity |= {"secret": new_secret(), "created_at": now}
        with contextlib.suppress(ResourceExistsError):  # another request created it first
            self.table.create_entity(entity)
        found = self._read(tenant)
        assert found is not None
        return found[0]

    def rotate(self, tenant: str, *, now: datetime, attempts: int = 5) -> SigningSecret:
        """A new current secret; the old one stays valid for ROTATION_OVERLAP."""
        for _ in range(attempts):
            self.get(tenant, now=now)
            found = self._read(tenant)
            assert found is not None
            current, etag = found
            entity = {
                "PartitionKey": PARTITION,
                "RowKey": tenant,
                "secret": new_secret(),
                "created_at": now,
                "previous": current.secret,
                "previous_until": now + ROTATION_OVERLAP,
            }
            try:
                self.table.update_entity(
                    entity, mode=UpdateMode.REPLACE, etag=etag,
                    match_condition=MatchConditions.IfNotModified,
                )  # fmt: skip
            except ResourceModifiedError:
                continue
            found = self._read(tenant)
            assert found is not None
            return found[0]
        raise RuntimeError(f"could not rotate the webhook secret of {tenant}: too many conflicts")
