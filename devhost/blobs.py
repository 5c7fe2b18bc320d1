"""Blob triggers (default and source="EventGrid"): poll the container, fire once per version.

A receipt blob `blobreceipts/<hostId>/<function>/<etag>/<container>/<blob>` in
azure-webjobs-hosts is leased by the process that runs a blob version (so exactly one does)
and records the outcome in its metadata; a restart therefore never fires a version again.
Failures are retried on the next polls; after MAX_ATTEMPTS a message goes to
`webjobs-blobtrigger-poison`.

Polling adapts: a container is listed about every `DEVHOST_BLOB_POLL_SECONDS` (2) when
idle; activity (a new blob found, an API call that can create one: POST, PUT or PATCH, a
blob written by a devhost process: the last one also lists at once) brings the interval
down to 0.2 s (an API call wakes only the listeners of the containers its response names,
the upload URL, or all when it names none, and only one worker's, in turn, which lists
0.2 s later, when a small upload has landed: one listing finds the blob for all, where
every worker listing every container after every call made 14 listings a job with 2
workers), from where each listing that finds nothing new stretches it by a quarter
until it is back at the idle rate (11 listings in the 8.5 s after a call, not the 42 of a
flat 0.2 s). Never more often than 4x the time a listing takes; N workers share that rate
(each lists every N intervals, at random phases), except the worker an API call woke,
which keeps the whole fast rate until it is back at idle (the others were not woken).
An upload follows the API call that created its job, so the fast rate covers the uploads
people wait for; when the call's response names the blob (its upload URL), the listener
goes back to the idle rate as soon as it has seen every blob so announced (a burst of 12
jobs: 1.2 listings of the uploads container a job, against 2.8 with the slow ramp);
reads (a client polling a status) do not count as activity: at 10 status calls a second
the listings of 7 containers took a fifth of a core. The idle rate
only bounds the delay for a blob nobody announced (it was 0.5 s: 840 listings a minute
for 7 containers, now 210).
Event Grid notifications posted to /runtime/webhooks/blobs run their blob at once through
the same receipts. The worker that settles a version tells the others (`blob-settled`), so
they skip it without reading its receipt, as their own settled versions; a lost notice
only costs them that read. The worker that leases a version tells them too
(`blob-claimed`), and they leave it alone for the lease's 15 s, as they do a version whose
lease they failed to take: a second worker listing while the first runs the blob no longer
tries the receipt (with 2 workers and a burst of uploads, 2.1 receipt creates and 3.2 lease
calls a job, where one create and two lease calls do). A claim that outlives its run
(the run failed, or the worker died) only delays the others' retry until it expires.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import random
import re
import threading
import time
import uuid
from collections.abc import Collection
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from azure.core.exceptions import ResourceExistsError

from devhost.app_loader import FunctionSpec
from devhost.config import HostConfig, worker_count
from devhost.connections import storage_for
from devhost.inputs import blob_argument, blob_properties
from devhost.invoke import describe, invoke
from devhost.leases import LEASE_SECONDS, ensure_hosts_container, try_lease
from devhost.notify import announce, subscribe
from devhost.queues import ensure_queue
from devhost.storage import encode_message

__all__ = ["BlobListener", "BlobRunner", "blob_value", "path_pattern"]

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 5
POISON_QUEUE = "webjobs-blobtrigger-poison"
FAST_POLL = 0.2
FIRST_LOOK = 0.05  # after a call that hands out an upload URL: a small upload has landed
SETTLED = "blob-settled"
CLAIMED = "blob-claimed"
SLOWDOWN = 1.25  # each listing that finds nothing new stretches the interval by this


def path_pattern(path: str) -> tuple[str, str, re.Pattern[str]]:
    """'uploads/{folder}/{name}' → ('uploads', 'literal prefix', regex with named groups)."""
    container, _, rest = path.partition("/")
    parts = re.split(r"(\{\w+\})", rest)
    names = [p for p in parts if p.startswith("{")]
    regex = ""
    for part in parts:
        if part.startswith("{"):
            last = part == names[-1]
            regex += f"(?P<{part[1:-1]}>.+)" if last else f"(?P<{part[1:-1]}>[^/]+)"
        else:
            regex += re.escape(part)
    prefix = parts[0] if parts else ""
    return container, prefix, re.compile(regex or ".+")


def blob_value(spec: FunctionSpec, container: str, name: str) -> tuple[Any, dict[str, Any]]:
    """The trigger argument (SDK type, InputStream, str or bytes) and the binding data."""
    _, _, pattern = path_pattern(spec.trigger["path"])
    match = pattern.fullmatch(name)
    data: dict[str, Any] = dict(match.groupdict()) if match else {}
    data.setdefault("name", name)
    data["BlobTrigger"] = f"{container}/{name}"
    client = storage_for(spec.trigger.get("connection")).blob.get_blob_client(container, name)
    data["Uri"] = client.url
    value = blob_argument(spec, spec.trigger, container, name, trigger=True)
    if spec.input_bindings or spec.output_bindings:
        with contextlib.suppress(Exception):  # properties for {expressions} in other bindings
            props = client.get_blob_properties()
            data["Properties"] = blob_properties(props)
            data["Metadata"] = dict(props.metadata or {})
    return value, data


def settled_event(function: str, container: str, etag: str, name: str) -> str:
    """What a worker announces once a blob version's receipt says it is done for good."""
    return f"{SETTLED}:{function}:{container}:{etag}:{name}"


def claimed_event(runner: str, function: str, container: str, etag: str, name: str) -> str:
    """What a runner announces once it holds the lease on a blob version's receipt."""
    return f"{CLAIMED}:{runner}:{function}:{container}:{etag}:{name}"


class BlobRunner:
    """Runs one blob version of one function at most once, recorded by a leased receipt."""

    def __init__(self, spec: FunctionSpec, config: HostConfig) -> None:
        self.spec, self.config = spec, config
        self.container, self.prefix, self.pattern = path_pattern(spec.trigger["path"])
        self.done: set[tuple[str, str]] = set()  # (blob, etag) settled: no storage round-trip
        # (blob, etag) -> monotonic time until which another runner is taken to hold its lease
        self.claimed: dict[tuple[str, str], float] = {}
        self._claims_lock = threading.Lock()  # the notice thread and the run pool share it
        self.identity = uuid.uuid4().hex[:12]  # tells this runner's own claims from others'

    def matches(self, container: str, name: str) -> bool:
        return container == self.container and bool(self.pattern.fullmatch(name))

    def try_blob(self, name: str, etag: str) -> None:
        if (name, etag) in self.done or self._claimed_elsewhere(name, etag):
            return
        receipt = (
            f"blobreceipts/{self.config.host_id}/{self.spec.name}/{etag}/{self.container}/{name}"
        )
        lease = try_lease(receipt)
        if lease is None:  # another worker runs it now
            self._claim_seen(name, etag)
            return
        announce(claimed_event(self.identity, self.spec.name, self.container, etag, name))
        try:
            meta = {} if lease.created else (lease.blob.get_blob_properties().metadata or {})
            attempts = int(meta.get("attempts", "0"))
            if meta.get("status") in ("completed", "poisoned"):
                self.done.add((name, etag))
                return
            outcome = self._run(name)
            attempts += 1
            if outcome:
                meta = {"status": "completed", "attempts": str(attempts)}
            elif attempts >= MAX_ATTEMPTS:
                self._poison(name, etag)
                meta = {"status": "poisoned", "attempts": str(attempts)}
            else:
                meta = {"status": "failed", "attempts": str(attempts)}
            lease.blob.set_blob_metadata(meta, lease=lease.id)
            if meta["status"] != "failed":
                self.done.add((name, etag))
                announce(settled_event(self.spec.name, self.container, etag, name))
        finally:
            lease.release()

    def _claimed_elsewhere(self, name: str, etag: str) -> bool:
        with self._claims_lock:
            until = self.claimed.get((name, etag))
            if until is not None and until <= time.monotonic():
                del self.claimed[(name, etag)]
                return False
            return until is not None

    def _claim_seen(self, name: str, etag: str) -> None:
        now = time.monotonic()
        with self._claims_lock:
            if len(self.claimed) > 1000:  # forget what has expired; it is no longer consulted
                self.claimed = {key: until for key, until in self.claimed.items() if until > now}
            self.claimed[(name, etag)] = now + LEASE_SECONDS

    def on_claimed(self, event: str) -> None:
        """Another runner's `claimed_event`: leave that version to it while its lease lasts."""
        parts = event.split(":", 5)
        if len(parts) != 6:  # not what claimed_event writes
            return
        _, runner, function, container, etag, name = parts
        if runner != self.identity and function == self.spec.name and container == self.container:
            self._claim_seen(name, etag)

    def on_settled(self, event: str) -> None:
        """Another worker's `settled_event`: that version is skipped here too."""
        parts = event.split(":", 4)
        if len(parts) != 5:  # not what settled_event writes
            return
        _, function, container, etag, name = parts
        if function == self.spec.name and container == self.container:
            self.done.add((name, etag))

    def _run(self, name: str) -> bool:
        try:
            value, data = blob_value(self.spec, self.container, name)
            invoke(self.spec, value, label="blob", invocation_id=str(uuid.uuid4()), data=data)
            return True
        except Exception as exc:
            logger.error(
                "blob function %s failed on %s/%s: %s",
                self.spec.name, self.container, name, describe(exc), exc_info=exc,
            )  # fmt: skip
            return False

    def _poison(self, name: str, etag: str) -> None:
        storage = storage_for(self.spec.trigger.get("connection"))
        queue = storage.queue.get_queue_client(POISON_QUEUE)
        ensure_queue(queue)
        body = {
            "Type": "BlobTrigger", "FunctionId": self.spec.name, "BlobType": "BlockBlob",
            "ContainerName": self.container, "BlobName": name, "ETag": f'"{etag}"',
        }  # fmt: skip
        queue.send_message(encode_message(json.dumps(body), self.config.queues.message_encoding))
        logger.error(
            "blob %s/%s failed %d times: sent to %s",
            self.container,
            name,
            MAX_ATTEMPTS,
            POISON_QUEUE,
        )


class BlobListener:
    def __init__(self, spec: FunctionSpec, config: HostConfig, stop: threading.Event) -> None:
        self.spec, self.config, self.stop = spec, config, stop
        self.runner = BlobRunner(spec, config)
        self.container, self.prefix = self.runner.container, self.runner.prefix
        self.idle = float(os.environ.get("DEVHOST_BLOB_POLL_SECONDS", "2"))
        # N workers each list every N intervals at random phases: the container is listed
        # about once per interval whatever the worker count.
        self.share = worker_count()
        self.interval = self.idle
        self.list_now = False
        self.nudged_at = 0.0
        self.listed_at = 0.0
        self.leading = False
        self.expected: set[str] = set()  # blobs API calls announced, not yet listed
        self.unnamed = False  # activity since idle came without a blob's name
        self.wake = threading.Event()
        self.pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix=f"b-{self.container}")

    def _on_event(self, event: str) -> None:
        if event.startswith(f"{SETTLED}:"):
            self.runner.on_settled(event)
        elif event.startswith(f"{CLAIMED}:"):
            self.runner.on_claimed(event)
        elif event == f"blob:{self.container}":
            self.interval, self.list_now, self.unnamed = FAST_POLL, True, True
            self.wake.set()
        elif event in ("http", f"http:{self.container}"):
            self.unnamed = True
            self._nudged()
        elif event.startswith(f"http:{self.container}/"):
            self.expected.add(event.removeprefix(f"http:{self.container}/"))
            self._nudged()

    def _nudged(self) -> None:
        """An API call that hands out an upload URL for this container told this worker."""
        self.interval, self.leading = FAST_POLL, True  # this worker alone was told
        if self.nudged_at <= self.listed_at:  # a look already due is not put off (bursts)
            self.nudged_at = time.monotonic()
        self.wake.set()  # the sleep in progress shortens: a listing FIRST_LOOK from now

    def settle(self, *, found_new: bool, names: Collection[str] = ()) -> None:
        """After a listing that saw `names`: new blobs keep the fast rate, nothing new slows
        towards idle; but once every upload announced by name has come (and nothing was
        announced without a name), straight back to idle."""
        if self.expected:
            self.expected.difference_update(names)
            if not self.expected and not self.unnamed:
                self.interval, self.leading = self.idle, False
                return
        self.interval = FAST_POLL if found_new else min(self.idle, self.interval * SLOWDOWN)
        if self.interval >= self.idle:
            self.leading, self.unnamed = False, False
            self.expected.clear()  # announced, never uploaded: no longer hurried for

    def next_listing(self, begun: float, listing: float, spread: float) -> float:
        """When to list again, a sleep having begun at `begun` after a listing that took
        `listing` seconds: N workers share the rate, but a worker woken by an API call
        alone keeps the whole fast rate until it is back at the idle rate (the upload may
        land after its first listing, and no other worker hurries)."""
        if self.nudged_at > begun:  # the upload follows that call: look just after it lands
            return self.nudged_at + FIRST_LOOK * spread
        share = 1 if self.leading else self.share
        return begun + max(self.interval, 4 * listing) * spread * share

    def run(self) -> None:
        ensure_hosts_container()
        storage = storage_for(self.spec.trigger.get("connection"))
        with contextlib.suppress(ResourceExistsError):
            storage.blob.create_container(self.container)
        container = storage.blob.get_container_client(self.container)
        subscribe(self._on_event)
        while not self.stop.is_set():
            self.list_now = False
            started = self.listed_at = time.monotonic()
            listing = 0.0
            try:
                found = [
                    (b.name, str(b.etag).strip('"'))
                    for b in container.list_blobs(name_starts_with=self.prefix or None)
                    if self.runner.pattern.fullmatch(b.name)
                ]
                listing = time.monotonic() - started
                pending = [item for item in found if item not in self.runner.done]
                self.settle(found_new=bool(pending), names={name for name, _ in found})
                list(self.pool.map(lambda item: self.runner.try_blob(*item), pending))
            except Exception as exc:
                logger.warning("scanning %s failed: %s", self.container, describe(exc))
                listing = self.idle
            self._sleep(listing)
        self.pool.shutdown(wait=True)

    def _sleep(self, listing: float) -> None:
        begun, spread = time.monotonic(), random.uniform(0.75, 1.25)
        while not self.stop.is_set() and not self.list_now:
            left = self.next_listing(begun, listing, spread) - time.monotonic()
            if left <= 0:
                return
            self.wake.wait(min(left, 0.5))
            self.wake.clear()
