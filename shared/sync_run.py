"""POST /api/v1/tools/{tool}/run/: quick tools answered inline, recorded in history too.

The input (≤ 1 MB) comes in the request; the tool runs in a child process like any job;
the output is stored in `{category}-processed` (so /download/ works as for every job) and
returned in the answer: text as `result`, anything else as `resultBase64`.
"""

from __future__ import annotations

import base64
import tempfile
import time
from pathlib import Path
from typing import Any

from processors.base import MB
from shared.context import Services
from shared.errors import BadRequestError, PermanentError, TooLargeError, TransientError
from shared.http import ApiRequest, ApiResponse, Caller, json_response
from shared.ingest import fail
from shared.jobs import InputFile, Job
from shared.naming import new_execution_id, output_blob_name, processed_container, safe_filename
from shared.process import complete_job
from shared.runner import run_tool
from shared.states import JobStatus
from shared.submit import find_tool, validated_params
from shared.validation import DeclaredFile, check_arrival, check_declared_files
from shared.views import status_view

__all__ = ["MAX_SYNC_BYTES", "run_sync"]

MAX_SYNC_BYTES = 1 * MB


def run_sync(
    services: Services,
    request: ApiRequest,
    caller: Caller,
    *,
    file: tuple[str, bytes] | None,
    raw_parameters: dict[str, Any] | None,
) -> ApiResponse:
    tool = find_tool(request.route["tool"])
    if not tool.sync:
        raise BadRequestError(f"Tool {tool.name} does not answer inline", code="not_sync")
    if tool.takes_files and tool.min_files > 0 and file is None:
        raise BadRequestError("This tool needs a file: send multipart field `file`")
    if file is not None and len(file[1]) > MAX_SYNC_BYTES:
        raise TooLargeError(
            f"Inline runs take up to {MAX_SYNC_BYTES} bytes; use /uploads/ for larger files",
            details={"maxFileSize": MAX_SYNC_BYTES},
        )
    inputs: list[InputFile] = []
    if file is not None:
        declared = DeclaredFile(filename=safe_filename(file[0], default="input"), size=len(file[1]))
        check_declared_files(tool, [declared], max_upload_bytes=services.settings.max_upload_bytes)
        try:
            check_arrival(
                tool,
                declared.filename,
                file[1][:8192],
                actual_size=declared.size,
                limit=MAX_SYNC_BYTES,
            )
        except PermanentError as exc:
            raise BadRequestError(exc.message, code=exc.code) from None
        inputs = [InputFile(filename=declared.filename, size=declared.size, blob="", arrived=True)]
    parameters = validated_params(tool, raw_parameters)
    now = services.clock()
    job = services.jobs.create(
        Job(
            execution_id=new_execution_id(),
            tenant=caller.tenant,
            tool=tool.name,
            category=str(tool.category),
            parameters=parameters,
            inputs=inputs,
            created_at=now,
            started_at=now,
            attempts=1,
            input_size=len(file[1]) if file else None,
            status=JobStatus.PROCESSING,
        )
    )
    began = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="mtb-sync-") as workdir:
        paths = []
        if file is not None:
            path = Path(workdir, "in", inputs[0].filename)
            path.parent.mkdir()
            path.write_bytes(file[1])
            paths.append(path)
        output_dir = Path(workdir, "out")
        output_dir.mkdir()
        try:
            output = run_tool(
                tool.name,
                paths,
                output_dir,
                parameters,
                timeout=min(tool.timeout_seconds, 60),
                memory_limit_mb=services.settings.tool_memory_mb,
            )
        except (PermanentError, TransientError) as exc:
            code = getattr(exc, "code", "processing_failed")
            fail(services, job, exc.message, code)
            raise BadRequestError(
                exc.message, code=code, details={"executionId": job.execution_id}
            ) from None
        data = output.read_bytes()
    stem = Path(inputs[0].filename).stem if inputs else tool.name
    name = f"{stem}{output.suffix.lower()}"
    blob = output_blob_name(job.tenant, job.execution_id, name)
    services.storage.blob_service.get_blob_client(
        processed_container(job.category), blob
    ).upload_blob(data, overwrite=True)
    complete_job(services, job, name, blob, len(data), time.monotonic() - began)
    finished = services.jobs.get(job.tenant, job.execution_id) or job
    answer = status_view(finished, api_base=request.api_base)
    try:
        answer["result"] = data.decode("utf-8")
    except UnicodeDecodeError:
        answer["resultBase64"] = base64.b64encode(data).decode("ascii")
    return json_response(200, answer)
