"""The devhost process: start-up hook, DEV_API_KEY, banner, clean stop."""

from __future__ import annotations

import contextlib
import json
import os
import signal
from pathlib import Path
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


def _children(pid: int) -> set[int]:
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == pid and fields[0] != "Z":
                found.add(int(stat.parent.name))
    return found


def test_crashed_worker_is_restarted_and_stop_leaves_nothing(
    storage_connection_string: str,
) -> None:
    from devhost.testing import run_devhost
    from tests.integration.devhost.conftest import APPS, host_env, wait_for

    env = host_env(storage_connection_string, DEV_API_KEY="given-key")
    with run_devhost(APPS / "lifecycle", env=env, workers=2) as host:
        assert "DEV_API_KEY=given-key" in host.log()
        group = host.process.pid
        workers = wait_for(lambda: len(_children(group)) == 2 and _children(group))
        victim = min(workers)
        os.kill(victim, signal.SIGKILL)
        wait_for(lambda: "restarting" in host.log(), what="restart logged")
        replaced = wait_for(
            lambda: len(c := _children(group)) == 2 and victim not in c and c,
            what="a new worker",
        )
        assert replaced - workers
    with pytest.raises(ProcessLookupError):
        os.killpg(group, 0)
