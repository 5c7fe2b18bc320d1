"""A worker process: the queue, blob and timer listeners of one app, like one instance.

Started by the devhost parent (`python -m devhost.worker --app-dir DIR`) with the final
environment; exits on SIGTERM/SIGINT or when its parent goes away.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import threading
from collections.abc import Callable
from pathlib import Path

from devhost.app_loader import FunctionSpec, load_functions
from devhost.config import HostConfig, load_host_config
from devhost.logs import configure_logging
from devhost.notify import install_send_hooks

__all__ = ["start_listeners"]

logger = logging.getLogger(__name__)


def start_listeners(
    specs: list[FunctionSpec], config: HostConfig, stop: threading.Event
) -> list[threading.Thread]:
    from devhost.blobs import BlobListener
    from devhost.queues import QueueListener
    from devhost.timers import TimerListener

    threads = []
    for spec in specs:
        listener: QueueListener | BlobListener | TimerListener
        if spec.disabled:
            continue
        if spec.trigger_type == "queueTrigger":
            listener = QueueListener(spec, config.queues, stop)
        elif spec.trigger_type == "blobTrigger":
            if str(spec.trigger.get("source")) == "EventGrid" and not _poll_event_grid():
                continue  # fed only by /runtime/webhooks/blobs, as in Azure
            listener = BlobListener(spec, config, stop)
        elif spec.trigger_type == "timerTrigger":
            listener = TimerListener(spec, config, stop)
        else:
            if spec.trigger_type != "httpTrigger":
                logger.warning("%s: trigger %s is not emulated", spec.name, spec.trigger_type)
            continue
        thread = threading.Thread(target=_guarded(listener.run, spec.name), name=spec.name)
        thread.start()
        threads.append(thread)
    return threads


def _poll_event_grid() -> bool:
    """DEVHOST_EVENTGRID_POLLING=false: source="EventGrid" triggers fire only on events."""
    return os.environ.get("DEVHOST_EVENTGRID_POLLING", "true").strip().lower() not in (
        "0", "false", "no",
    )  # fmt: skip


def _guarded(target: Callable[[], None], name: str) -> Callable[[], None]:
    def run() -> None:
        try:
            target()
        except Exception:
            logger.exception("listener for %s stopped", name)
            os._exit(3)  # the parent restarts the worker

    return run


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m devhost.worker")
    parser.add_argument("--app-dir", type=Path, required=True)
    parser.add_argument("--index", type=int, default=0)
    args = parser.parse_args()
    configure_logging(prefix=f"worker{args.index}")
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    parent = os.getppid()
    install_send_hooks()
    specs = load_functions(args.app_dir)
    threads = start_listeners(specs, load_host_config(args.app_dir), stop)
    while not stop.wait(1.0):
        if os.getppid() != parent:  # orphaned: the devhost parent died
            stop.set()
    for thread in threads:
        thread.join(timeout=30)
    os._exit(0)


if __name__ == "__main__":
    main()
