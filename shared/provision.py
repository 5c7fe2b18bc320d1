"""Create what the app needs in storage, idempotently: `python -m shared.provision`.

Containers `{category}-uploads` and `-processed`, queues `{category}-jobs` and `-poison`
for every category in the tool catalog; the `webhooks` queue and its `-poison`; tables
`jobs`, `apikeys` and `webhooksecrets`; blob CORS for the
browser's direct uploads (from SITE_ORIGINS); the DEV_API_KEY for tenant "dev" when set.
Prints one line per thing created.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import partial

from azure.core.exceptions import ResourceExistsError
from azure.storage.blob import CorsRule

from processors.registry import categories
from shared.keys import KeyStore
from shared.naming import (
    APIKEYS_TABLE,
    JOBS_TABLE,
    WEBHOOK_SECRETS_TABLE,
    WEBHOOKS_POISON_QUEUE,
    WEBHOOKS_QUEUE,
    poison_queue,
    processed_container,
    queue_name,
    uploads_container,
)
from shared.storage import Storage, get_storage

__all__ = ["provision"]

DEV_TENANT = "dev"


def _create(what: str, make: Callable[[], object], say: Callable[[str], None]) -> None:
    try:
        make()
    except ResourceExistsError:
        return
    say(f"created {what}")


def provision(storage: Storage, *, say: Callable[[str], None] = print) -> None:
    blobs, queues, tables = storage.blob_service, storage.queue_service, storage.table_service
    for category in categories():
        for container in (uploads_container(category), processed_container(category)):
            _create(f"container {container}", partial(blobs.create_container, container), say)
        for queue in (queue_name(category), poison_queue(category)):
            _create(f"queue {queue}", partial(queues.create_queue, queue), say)
    for queue in (WEBHOOKS_QUEUE, WEBHOOKS_POISON_QUEUE):
        _create(f"queue {queue}", partial(queues.create_queue, queue), say)
    for table in (JOBS_TABLE, APIKEYS_TABLE, WEBHOOK_SECRETS_TABLE):
        _create(f"table {table}", partial(tables.create_table, table), say)

    if not storage.settings.uses_identity:  # in Azure, CORS is set by the Bicep templates
        rule = CorsRule(
            storage.settings.origins,
            ["PUT", "GET", "HEAD", "OPTIONS"],
            allowed_headers=["x-ms-*", "content-type", "content-length"],
            exposed_headers=["x-ms-*", "etag", "content-length", "content-type"],
            max_age_in_seconds=3600,
        )
        current = blobs.get_service_properties().get("cors") or []
        if not any(
            r.allowed_origins == rule.allowed_origins and r.allowed_methods == rule.allowed_methods
            for r in current
        ):
            blobs.set_service_properties(cors=[rule])
            say(f"set blob CORS for {rule.allowed_origins}")

    dev_key = storage.settings.dev_api_key
    if dev_key:
        keys = KeyStore(storage.apikeys_table)
        if keys.tenant_for(dev_key) != DEV_TENANT:
            keys.create(DEV_TENANT, dev_key)
            say(f"created API key for tenant {DEV_TENANT}")


def main() -> int:
    try:
        provision(get_storage())
    except Exception as exc:
        print(f"provisioning failed: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
