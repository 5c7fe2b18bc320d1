"""The CLI's exit codes, and the one line that tells a person what went wrong."""

from __future__ import annotations

import math

from client.errors import (
    ApiError,
    AuthError,
    ClientError,
    JobFailedError,
    OutputExistsError,
    UsageError,
)

__all__ = ["EXIT_FAILED", "EXIT_OK", "EXIT_UNREACHABLE", "EXIT_USAGE", "explain"]

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_UNREACHABLE = 0, 1, 2, 3
USAGE_STATUSES = frozenset({400, 404, 409, 413, 415, 422})


def explain(exc: ClientError | TimeoutError, *, prog: str, api_url: str) -> tuple[str, int]:
    """What to print on stderr for `exc`, and the exit code it means."""
    if isinstance(exc, JobFailedError):
        status = exc.status
        return f"job {status.get('executionId')} {status.get('status')}: {exc}", EXIT_FAILED
    if isinstance(exc, AuthError):
        return f"error: {exc}: check MAGICTOOLBOX_API_KEY or --api-key", EXIT_USAGE
    if isinstance(exc, ApiError):
        if exc.status_code == 429:
            later = f" in {math.ceil(exc.retry_after)} s" if exc.retry_after else " later"
            return f"error: {exc}: try again{later}", EXIT_UNREACHABLE
        if exc.unreachable:
            return f"error: {exc} (is the service running at {api_url}?)", EXIT_UNREACHABLE
        usage = exc.status_code in USAGE_STATUSES
        return f"error: {exc}", EXIT_USAGE if usage else EXIT_FAILED
    if isinstance(exc, (UsageError, OutputExistsError)):
        return f"error: {exc}", EXIT_USAGE
    if isinstance(exc, TimeoutError):
        return f"error: {exc}; see later with: {prog} status ID", EXIT_FAILED
    return f"error: {exc}", EXIT_FAILED
