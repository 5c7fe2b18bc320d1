"""azd postdeploy hook: one Event Grid subscription per blob-trigger function.

Runs after the code is deployed, because the webhook URL carries the app's
`blobs_extension` system key, which the host creates only once a blob trigger is running.
Idempotent: `az ... event-subscription create` updates an existing subscription.

Reads (azd exports main.bicep's outputs): AZURE_RESOURCE_GROUP, AZURE_FUNCTION_APP_NAME,
AZURE_EVENTGRID_SYSTEM_TOPIC_NAME, SERVICE_API_URI, INGEST_CATEGORIES (comma-separated).
Needs the Azure CLI, logged in (`az login`). Never prints the key.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

BLOB_CREATED = "Microsoft.Storage.BlobCreated"


@dataclass(frozen=True)
class Subscription:
    name: str
    function_name: str
    container: str

    @property
    def webhook_path(self) -> str:
        return f"/runtime/webhooks/blobs?functionName=Host.Functions.{self.function_name}"

    @property
    def subject_begins_with(self) -> str:
        return f"/blobServices/default/containers/{self.container}/"

    def endpoint(self, api_uri: str, key: str) -> str:
        return f"{api_uri.rstrip('/')}{self.webhook_path}&code={key}"


def subscriptions(categories: Iterable[str]) -> list[Subscription]:
    """What functions/ingest.py registers: `ingest_<category>` on `<category>-uploads`."""
    return [
        Subscription(name=f"ingest-{c}", function_name=f"ingest_{c}", container=f"{c}-uploads")
        for c in categories
    ]


def _az(*args: str) -> str:
    az = shutil.which("az")
    if az is None:
        raise SystemExit("postdeploy: the Azure CLI (az) is required")
    result = subprocess.run([az, *args], capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"az {args[0]} {args[1]} failed: {result.stderr.strip()[:500]}")
    return result.stdout.strip()


def _blobs_extension_key(group: str, app: str, *, attempts: int = 20) -> str:
    for _ in range(attempts):
        key = _az(
            "functionapp", "keys", "list", "-g", group, "-n", app,
            "--query", "systemKeys.blobs_extension", "-o", "tsv",
        )  # fmt: skip
        if key:
            return key
        time.sleep(15)  # the host creates the key when the blob trigger first starts
    raise SystemExit(f"postdeploy: {app} has no blobs_extension key; is the code deployed?")


def main(environ: Mapping[str, str] = os.environ) -> int:
    try:
        group = environ["AZURE_RESOURCE_GROUP"]
        app = environ["AZURE_FUNCTION_APP_NAME"]
        topic = environ["AZURE_EVENTGRID_SYSTEM_TOPIC_NAME"]
        api_uri = environ["SERVICE_API_URI"]
        categories = [c for c in environ["INGEST_CATEGORIES"].split(",") if c]
    except KeyError as missing:
        raise SystemExit(f"postdeploy: missing {missing.args[0]} (run `azd provision`)") from None

    key = _blobs_extension_key(group, app)
    for sub in subscriptions(categories):
        _az(
            "eventgrid", "system-topic", "event-subscription", "create",
            "--name", sub.name, "-g", group, "--system-topic-name", topic,
            "--endpoint-type", "webhook", "--endpoint", sub.endpoint(api_uri, key),
            "--included-event-types", BLOB_CREATED,
            "--subject-begins-with", sub.subject_begins_with,
            "--max-delivery-attempts", "30", "--event-ttl", "1440",
        )  # fmt: skip
        print(f"postdeploy: {sub.name} -> {sub.function_name} on {sub.container}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
