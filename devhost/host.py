"""The devhost parent: settings, storage, start-up hook, banner, HTTP, worker processes."""

from __future__ import annotations

import argparse
import logging
import os
import secrets
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path
from typing import Any

import uvicorn

from devhost.app_loader import (
    AppIndexError,
    FunctionSpec,
    function_table,
    load_functions,
    loaded_app,
)
from devhost.azurite import Azurite, port_open, start_azurite
from devhost.config import apply_local_settings, load_host_config, load_local_settings
from devhost.http_server import build_app
from devhost.invoke import invoke, shutdown_asgi
from devhost.logs import configure_logging
from devhost.notify import ENV as NOTIFY_ENV
from devhost.notify import install_send_hooks
from devhost.supervisor import Supervisor

__all__ = ["main"]

logger = logging.getLogger("devhost")
DEV_PORTS = (10000, 10001, 10002)


def resolve_storage(app_dir: Path) -> tuple[str, Azurite | None, str]:
    """(connection string, Azurite we started or None, description for the banner)."""
    value = os.environ.get("AzureWebJobsStorage", "").strip()  # noqa: SIM112
    if value and value.lower() != "usedevelopmentstorage=true":
        return value, None, "AzureWebJobsStorage from the environment / local settings"
    if any(port_open(port) for port in DEV_PORTS):
        return Azurite(*DEV_PORTS).connection_string, None, "Azurite already on 10000-10002"
    location = app_dir / ".azurite"
    azurite = start_azurite(location=location, ports=DEV_PORTS, log_file=location / "azurite.log")
    return azurite.connection_string, azurite, f"Azurite started by devhost (data in {location})"


def run_startup_hook(app_dir: Path) -> None:
    command = os.environ.get("DEVHOST_STARTUP_COMMAND", "").strip()
    if not command:
        return
    argv = shlex.split(command)
    if argv[0] in ("python", "python3"):  # the interpreter running devhost, not PATH's
        argv[0] = sys.executable
    result = subprocess.run(argv, cwd=app_dir, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit(f"start-up command failed ({result.returncode}): {command}")
    logger.info("start-up command done: %s", command)


def admin_value(spec: FunctionSpec, text: str) -> tuple[Any, dict[str, Any]]:
    """The trigger value the admin invoker passes for `input` text."""
    if spec.trigger_type == "queueTrigger":
        from devhost.queues import admin_queue_message, trigger_argument

        message = admin_queue_message(text)
        return trigger_argument(spec, message), {"QueueTrigger": text}
    if spec.trigger_type == "timerTrigger":
        from azure.functions.timer import TimerRequest

        return TimerRequest(past_due=False), {}
    if spec.trigger_type == "blobTrigger":
        from devhost.blobs import blob_value

        container, _, name = text.partition("/")
        return blob_value(spec, container, name)
    return text, {}


def invoke_other(spec: FunctionSpec, text: str) -> None:
    try:
        value, data = admin_value(spec, text)
        invoke(spec, value, label="admin", invocation_id=str(uuid.uuid4()), data=data)
    except Exception:
        logger.exception("admin invocation of %s failed", spec.name)


class BlobEvents:
    """Runs blob functions for Event Grid notifications, once per version (receipts)."""

    def __init__(self, app_dir: Path) -> None:
        self.config = load_host_config(app_dir)
        self.runners: dict[str, Any] = {}

    def __call__(self, spec: FunctionSpec, container: str, name: str) -> None:
        from devhost.blobs import BlobRunner
        from devhost.connections import storage_for

        try:
            runner = self.runners.get(spec.name)
            if runner is None:
                runner = self.runners[spec.name] = BlobRunner(spec, self.config)
            if not runner.matches(container, name):
                return
            client = storage_for(spec.trigger.get("connection")).blob.get_blob_client(
                container, name
            )
            etag = str(client.get_blob_properties().etag).strip('"')
            runner.try_blob(name, etag)
        except Exception:
            logger.exception("Event Grid event for %s/%s (%s) failed", container, name, spec.name)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m devhost", description=__doc__)
    parser.add_argument("--app-dir", type=Path, default=Path.cwd())
    parser.add_argument("--port", type=int, default=7071)
    parser.add_argument("--host", default=os.environ.get("DEVHOST_BIND", "127.0.0.1"))
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args(argv)
    app_dir: Path = args.app_dir.resolve()
    configure_logging()
    # uvicorn re-raises the signal after its shutdown: make SIGTERM unwind through `finally`.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    settings = load_local_settings(app_dir)
    apply_local_settings(settings)
    connection, azurite, storage_note = resolve_storage(app_dir)
    os.environ["AzureWebJobsStorage"] = connection  # noqa: SIM112
    if not os.environ.get("DEV_API_KEY"):
        os.environ["DEV_API_KEY"] = secrets.token_urlsafe(24)
    if not os.environ.get("DEVHOST_MASTER_KEY"):
        os.environ["DEVHOST_MASTER_KEY"] = secrets.token_urlsafe(24)
    notify_dir = tempfile.mkdtemp(prefix="devhost-notify-")
    os.environ[NOTIFY_ENV] = notify_dir
    install_send_hooks()
    os.environ["DEVHOST_WORKERS"] = str(max(0, args.workers))
    supervisor = Supervisor(app_dir, max(0, args.workers))
    try:
        run_startup_hook(app_dir)
        try:
            specs = load_functions(app_dir)
        except AppIndexError as exc:
            raise SystemExit(f"devhost: cannot host {app_dir}: {exc}") from None
        config = load_host_config(app_dir)
        cors = (settings.get("Host") or {}).get("CORS", "")
        origins = [o.strip() for o in cors.split(",") if o.strip()]
        app = build_app(
            app_dir, specs, config.route_prefix, invoke_other=invoke_other, cors_origins=origins,
            master_key=os.environ["DEVHOST_MASTER_KEY"], on_blob_event=BlobEvents(app_dir),
        )  # fmt: skip
        base = f"http://{'localhost' if args.host == '127.0.0.1' else args.host}:{args.port}"
        api = f"{base}/{config.route_prefix}" if config.route_prefix else base
        print(
            f"\ndevhost: {app_dir}\n  site:     {base}/\n  API:      {api}/\n"
            f"  storage:  {storage_note}\n  workers:  {args.workers}\n"
            f"  DEV_API_KEY={os.environ['DEV_API_KEY']}\n"
            f"  master key (x-functions-key for /admin/functions/*): "
            f"{os.environ['DEVHOST_MASTER_KEY']}\n\nFunctions:\n{function_table(specs)}\n",
            flush=True,
        )
        supervisor.start()
        server = uvicorn.Server(
            uvicorn.Config(app, host=args.host, port=args.port, log_level="warning", lifespan="off")
        )
        server.run()
    finally:
        shutdown_asgi(loaded_app())
        supervisor.stop()
        shutil.rmtree(notify_dir, ignore_errors=True)
        if azurite is not None:
            azurite.stop()
        logger.info("devhost stopped")
