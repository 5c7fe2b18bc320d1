"""The hostile corpus through the real flow on Azurite + devhost.

Each case ends in a final state within its tool's timeout: `failed` with a readable message
and a stable code, or a correct output; its upload and any partial output are deleted; the
local listener the cases point at is never reached; after each batch devhost is alive and a
normal job completes. CI runs the cases marked `ci`; `make reliability` runs them all.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from shared.context import Services
from tests.hostile.campaign import finish, normal_job_completes, submit
from tests.hostile.conftest import FULL, Listener
from tests.hostile.corpus import CASES

pytestmark = pytest.mark.integration

SELECTED = [case for case in CASES if FULL or case.ci]
BATCH = 4


@pytest.mark.parametrize(
    "batch",
    [SELECTED[i : i + BATCH] for i in range(0, len(SELECTED), BATCH)],
    ids=lambda batch: "+".join(case.name for case in batch),
)
def test_hostile_batch(
    batch: list[Any],
    api: httpx.Client,
    services: Services,
    listener: Listener,
    tmp_path: Path,
) -> None:
    sent = [submit(api, case, tmp_path, listener.url) for case in batch]
    for job in sent:
        finish(api, services, job)
    assert listener.hits == [], "a hostile file made the service fetch a URL"
    normal_job_completes(api)
