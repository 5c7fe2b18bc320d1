"""Send one hostile case through the real flow (HTTP → SAS upload → ingest → tool) and
judge what came back against what the case allows."""

from __future__ import annotations

import base64
import json
import os
import re
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import httpx
from azure.storage.blob import BlobClient

from processors.registry import get_tool
from shared.context import Services
from tests.hostile.corpus import Case

PROGRAMMER_WORDS = ("Traceback", "XML_PARSE_HUGE", "set_int_max_str_digits", "Error:", "lxml")
POLL_SECONDS = 0.5
MARGIN_SECONDS = 60.0


@dataclass
class Outcome:
    case: str
    tool: str
    status: str
    code: str | None
    message: str | None
    seconds: float


@dataclass
class Submitted:
    case: Case
    began: float
    refused: Outcome | None = None
    execution_id: str = ""


def submit(api: httpx.Client, case: Case, workdir: Path, listener: str) -> Submitted:
    """Create the job and upload the hostile file with its SAS, as any client would."""
    source = workdir / case.name / "input"
    source.parent.mkdir(parents=True, exist_ok=True)
    case.build(source, listener)
    began = time.monotonic()
    created = api.post(
        f"/v1/tools/{case.tool}/uploads/",
        json={"filename": case.filename, "size": source.stat().st_size, "parameters": case.params},
    )
    if created.status_code != 201:
        body = created.json()
        assert 400 <= created.status_code < 500, created.text
        refused = Outcome(case.name, case.tool, "refused", body["code"], body["error"], 0.0)
        return Submitted(case, began, refused=refused)
    job = created.json()
    with source.open("rb") as data:
        BlobClient.from_blob_url(job["upload"]["url"]).upload_blob(data, overwrite=True)
    return Submitted(case, began, execution_id=job["executionId"])


def finish(api: httpx.Client, services: Services, sent: Submitted) -> Outcome:
    """Wait for the job's final state (within its tool's timeout) and judge it."""
    if sent.refused is not None:
        _record(sent.refused)
        return sent.refused
    case = sent.case
    tool = get_tool(case.tool)
    assert tool is not None
    deadline = sent.began + tool.timeout_seconds + MARGIN_SECONDS
    while True:
        status = api.get(f"/v1/executions/{sent.execution_id}/status/").json()
        if status["status"] in ("completed", "failed"):
            break
        assert time.monotonic() < deadline, f"{case.name}: still {status['status']}"
        time.sleep(POLL_SECONDS)
    outcome = Outcome(
        case.name,
        case.tool,
        status["status"],
        status.get("errorCode"),
        status.get("error"),
        round(time.monotonic() - sent.began, 1),
    )
    _check(api, services, case, status, outcome)
    _record(outcome)
    return outcome


def _record(outcome: Outcome) -> None:
    """`make reliability` collects every outcome for RELIABILITY.md (HOSTILE_REPORT)."""
    target = os.environ.get("HOSTILE_REPORT")
    if target:
        with Path(target).open("a", encoding="utf-8") as sink:
            sink.write(json.dumps(asdict(outcome)) + "\n")


def _check(
    api: httpx.Client, services: Services, case: Case, status: dict[str, Any], outcome: Outcome
) -> None:
    name = case.name
    assert outcome.status in case.outcomes, f"{name}: {outcome}"
    if outcome.status == "failed":
        assert outcome.code in (*case.codes, "unsupported_type"), f"{name}: {outcome}"
        message = outcome.message or ""
        assert message and message == message.strip(), f"{name}: {message!r}"
        assert not any(word in message for word in PROGRAMMER_WORDS), f"{name}: {message!r}"
        if outcome.code != "unsupported_type":
            assert re.search(case.message, message), f"{name}: {message!r}"
    elif case.check_output is not None:
        output = api.get(f"/v1/executions/{status['executionId']}/download/", follow_redirects=True)
        case.check_output(output.content)
    # Uploads and partial outputs are gone once the job is final (the blob deletes follow
    # the status write within the same step: allow them a moment).
    category = str(get_tool(case.tool).category)  # type: ignore[union-attr]
    prefix = f"{_tenant(api, services)}/{status['executionId']}"
    blobs = services.storage.blob_service
    containers = [f"{category}-uploads"] + (
        [f"{category}-processed"] if outcome.status == "failed" else []
    )
    deadline = time.monotonic() + 15
    while True:
        left = [
            b.name
            for c in containers
            for b in blobs.get_container_client(c).list_blobs(
                name_starts_with=prefix, include=["snapshots"]
            )
        ]
        if not left:
            break
        assert time.monotonic() < deadline, f"{name}: blobs left behind: {left}"
        time.sleep(POLL_SECONDS)


_tenants: dict[str, str] = {}


def _tenant(api: httpx.Client, services: Services) -> str:
    key = api.headers["X-API-Key"]
    if key not in _tenants:
        tenant = services.keys.tenant_for(key)
        assert tenant is not None
        _tenants[key] = tenant
    return _tenants[key]


def normal_job_completes(api: httpx.Client) -> None:
    """After a batch: devhost alive and an ordinary job still completing, inline and
    through the whole queued flow (upload, ingest, queue, worker, output)."""
    assert api.get("/health").status_code == 200
    answer = api.post("/v1/tools/base64-codec/run/", files={"file": ("ok.txt", b"still fine")})
    assert answer.status_code == 200, answer.text
    assert answer.json()["status"] == "completed"
    data = b"an ordinary file\n" * 100
    created = api.post(
        "/v1/tools/base64-codec/uploads/", json={"filename": "ok.txt", "size": len(data)}
    )
    assert created.status_code == 201, created.text
    job = created.json()
    BlobClient.from_blob_url(job["upload"]["url"]).upload_blob(data, overwrite=True)
    deadline = time.monotonic() + MARGIN_SECONDS
    while (status := api.get(job["statusUrl"]).json())["status"] not in ("completed", "failed"):
        assert time.monotonic() < deadline, f"an ordinary job still {status['status']}"
        time.sleep(POLL_SECONDS)
    assert status["status"] == "completed", status
    output = api.get(f"/v1/executions/{job['executionId']}/download/", follow_redirects=True)
    assert output.content == base64.b64encode(data)
