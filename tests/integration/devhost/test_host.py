"""The devhost process: start-up hook, DEV_API_KEY, banner, clean stop."""

from __future__ import annotations

import json
import os
from typing import Any

import pytest

pytestmark = pytest.mark.integration


def test_startup_hook_sees_storage_and_generated_key(
    basic_host: Any, storage_connection_string: str
) -> None:
    seen = json.loads(basic_host.hook_marker.read_text())
    assert seen["AzureWebJobsStorage"] == storage_connection_string
    key = seen["DEV_API_KEY"]
    assert key and len(key) >= 20
    log = basic_host.log()
    assert f"DEV_API_KEY={key}" in log
    assert "record_queue" in log and "queue dh-record" in log  # the function table


def test_stop_leaves_nothing_running(storage_connection_string: str) -> None:
    from devhost.testing import run_devhost
    from tests.integration.devhost.conftest import APPS, host_env

    env = host_env(storage_connection_string, DEV_API_KEY="given-key")
    with run_devhost(APPS / "lifecycle", env=env, workers=2) as host:
        assert "DEV_API_KEY=given-key" in host.log()
        group = host.process.pid
    with pytest.raises(ProcessLookupError):
        os.killpg(group, 0)
