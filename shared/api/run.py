"""POST /api/v1/tools/{tool}/run/: quick tools answered inline, recorded in history too.

The input (≤ 1 MB) comes in the request; the job is created and run with the same helpers
as the queued path (`lifecycle`, `process.run_and_store`); the output is stored in
`{category}-processed` (so /download/ works as for every job) and returned in the answer:
text as `result`, anything else as `resultBase64`.
"""

from __future__ import annotations

import base64
import contextlib
import tempfile
import time
from pathlib import Path
from typing import Any

from processors.base import MB, Tool
from shared.api.executions import view
from shared.api.http import (
    ApiRequest,
    ApiResponse,
    Caller,
    UploadedFile,
    json_response,
    request_field,
    request_parameters,
)
from shared.api.multipart import check_request
from shared.context import Services
from shared.errors import (
    BadRequestError,
    JobFailedError,
    PermanentError,
    PipelineError,
    TooLargeError,
)
from shared.jobs import InputFile
from shared.naming import safe_filename
from shared.pipeline import lifecycle, webhooks
from shared.pipeline.process import reserve_tool_memory, run_and_store
from shared.pipeline.submit import find_tool, validated_params
from shared.pipeline.validation import DeclaredFile, check_arrival, check_declared_files
from shared.states import JobStatus

__all__ = ["MAX_SYNC_BYTES", "run", "run_sync"]

MAX_SYNC_BYTES = 1 * MB
SYNC_TIMEOUT_SECONDS = 60


def run(services: Services, request: ApiRequest, caller: Caller) -> ApiResponse:
    """The route handler: the file and parameters from the request."""
    check_request(request)
    tool = find_tool(request.route["tool"])
    if tool.sync and tool.takes_files and tool.min_files > 0 and not request.is_multipart:
        raise BadRequestError("This tool needs a file: send it as multipart/form-data field `file`")
    file = request.file
    return run_sync(
        services,
        request,
        caller,
        file=(file.filename, file.data) if file else None,
        raw_parameters=request_parameters(request),
        webhook_url=request_field(request, "webhookUrl"),
    )


def run_sync(
    services: Services,
    request: ApiRequest,
    caller: Caller,
    *,
    file: tuple[str, bytes] | None,
    raw_parameters: dict[str, Any] | None,
    webhook_url: str | None = None,
) -> ApiResponse:
    tool = find_tool(request.route["tool"])
    if not tool.sync:
        raise BadRequestError(f"Tool {tool.name} does not answer inline", code="not_sync")
    if tool.takes_files and tool.min_files > 0 and file is None:
        raise BadRequestError("This tool needs a file: send multipart field `file`")
    upload = UploadedFile(*file) if file is not None else None
    inputs = [_checked_input(services, tool, upload)] if upload is not None else []
    parameters = validated_params(tool, raw_parameters)
    webhook_url = webhooks.checked_url(services, webhook_url)
    job = lifecycle.create(
        services,
        lifecycle.new_job(
            services,
            tool,
            tenant=caller.tenant,
            parameters=parameters,
            inputs=inputs,
            status=JobStatus.PROCESSING,
            webhook_url=webhook_url,
            api_base=request.api_base,
        ),
    )
    began = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="mtb-sync-") as workdir:
        paths = []
        if upload is not None:
            path = Path(workdir, "in", inputs[0].filename)
            path.parent.mkdir()
            path.write_bytes(upload.data)
            paths.append(path)
        timeout = min(tool.timeout_seconds, SYNC_TIMEOUT_SECONDS)
        try:
            with contextlib.ExitStack() as room:
                room.enter_context(reserve_tool_memory(services, timeout=timeout))
                output = run_and_store(
                    services,
                    job,
                    inputs=paths,
                    workdir=Path(workdir),
                    timeout=timeout,
                    room=room,
                )
        except PipelineError as exc:
            code = getattr(exc, "code", "processing_failed")
            lifecycle.fail(services, job, exc.message, code)
            raise JobFailedError(
                exc.message, code=code, details={"executionId": job.execution_id}
            ) from None
        except Exception:
            # Not the tool's doing (storage, a bug): still, the job must not stay `processing`.
            lifecycle.fail(
                services, job, "The run failed unexpectedly; try again", "processing_failed"
            )
            raise
        data = output.path.read_bytes()
    lifecycle.complete(
        services,
        job,
        name=output.name,
        blob=output.blob,
        size=output.size,
        seconds=time.monotonic() - began,
    )
    finished = services.jobs.get(job.tenant, job.execution_id) or job
    answer = view(services, request, finished)
    try:
        answer["result"] = data.decode("utf-8")
    except UnicodeDecodeError:
        answer["resultBase64"] = base64.b64encode(data).decode("ascii")
    return json_response(200, answer)


def _checked_input(services: Services, tool: Tool[Any], upload: UploadedFile) -> InputFile:
    """The inline file as the job's input, after the same checks an upload gets."""
    declared = DeclaredFile(
        filename=safe_filename(upload.filename, default="input"), size=len(upload.data)
    )
    if declared.size > MAX_SYNC_BYTES:
        raise TooLargeError(
            f"Inline runs take up to {MAX_SYNC_BYTES} bytes; use /uploads/ for larger files",
            details={"maxFileSize": MAX_SYNC_BYTES},
        )
    check_declared_files(tool, [declared], max_upload_bytes=services.settings.max_upload_bytes)
    try:
        check_arrival(
            tool,
            declared.filename,
            upload.data[:8192],
            actual_size=declared.size,
            limit=MAX_SYNC_BYTES,
        )
    except PermanentError as exc:
        raise BadRequestError(exc.message, code=exc.code) from None
    return InputFile(filename=declared.filename, size=declared.size, blob="", arrived=True)
