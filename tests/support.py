"""Helpers for tests that run the product app on devhost (pipeline, CLI and browser tests)."""

from __future__ import annotations

import os
import sys
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

REPO_ROOT = Path(__file__).resolve().parent.parent


def product_devhost_env(storage_connection_string: str, **extra: str) -> dict[str, str]:
    """The environment for `run_devhost(REPO_ROOT, ...)` on a test Azurite.

    Provisioning runs as the start-up hook, the dev key is random, rate limiting is off so
    that fast test loops are not throttled, and webhooks may go to local receivers.
    """
    return {
        **os.environ,
        "AzureWebJobsStorage": storage_connection_string,
        "DEV_API_KEY": f"dev-{uuid.uuid4().hex}",
        "DEVHOST_STARTUP_COMMAND": f"{sys.executable} -m shared.provision",
        "PYTHONPATH": str(REPO_ROOT),
        "RATE_LIMIT_PER_MINUTE": "0",
        # Webhook receivers in tests listen on 127.0.0.1 and retries must not take an hour.
        "ALLOW_PRIVATE_WEBHOOKS": "true",
        "WEBHOOK_RETRY_DELAYS": "1,1",
        **extra,
    }


def started_or_skip(start: Callable[[], T]) -> T:
    """`start()` (an Azurite), or skip the tests that need it when it cannot start locally;
    in CI a missing Azurite fails instead."""
    import pytest

    try:
        return start()
    except Exception as exc:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"Azurite unavailable: {exc}")
