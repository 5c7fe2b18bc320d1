"""The pipeline's errors, and what each means over HTTP and on a queue.

    PipelineError
    ├── PermanentError           bad input: fail the job now with a readable message
    ├── TransientError           storage hiccup or crash: raise, the queue redelivers
    └── ApiError                 an HTTP answer other than success (status + code)
        ├── BadRequestError      400 bad_request / invalid_parameters
        ├── UnauthorizedError    401 unauthorized
        ├── ForbiddenError       403 forbidden / invalid_link
        ├── NotFoundError        404 not_found
        ├── ConflictError        409 conflict (the job is not in a state for this)
        ├── GoneError            410 gone
        ├── TooLargeError        413 too_large
        ├── UnsupportedTypeError 415 unsupported_type
        ├── JobFailedError       400 an inline run failed (the job's error code)
        ├── RateLimitedError     429 rate_limited (with Retry-After)
        └── ServiceUnavailableError 503 unavailable / not_configured

Each class's `status` is the one table from error to HTTP status code;
`shared.api.http.error_response` is the one function that turns any exception into an answer.
"""

from __future__ import annotations

from typing import Any, ClassVar

__all__ = [
    "STORAGE_RETRY_AFTER_SECONDS",
    "ApiError",
    "BadRequestError",
    "ConflictError",
    "ForbiddenError",
    "GoneError",
    "JobFailedError",
    "NotFoundError",
    "PermanentError",
    "PipelineError",
    "RateLimitedError",
    "ServiceUnavailableError",
    "TooLargeError",
    "TransientError",
    "UnauthorizedError",
    "UnsupportedTypeError",
    "storage_unavailable",
]


class PipelineError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class PermanentError(PipelineError):
    """The job cannot succeed: mark it failed with this message, never retry."""

    def __init__(self, message: str, *, code: str = "invalid_input") -> None:
        super().__init__(message)
        self.code = code


class TransientError(PipelineError):
    """Worth another try: raised out of the trigger so the queue redelivers the message."""


class ApiError(PipelineError):
    status: ClassVar[int] = 400
    default_code: ClassVar[str] = "bad_request"

    def __init__(
        self,
        message: str,
        *,
        details: Any = None,
        code: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.details = details
        self.code = code or self.default_code
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        return {"error": self.message, "details": self.details, "code": self.code}


class BadRequestError(ApiError):
    status = 400
    default_code = "bad_request"


class UnauthorizedError(ApiError):
    status = 401
    default_code = "unauthorized"


class ForbiddenError(ApiError):
    status = 403
    default_code = "forbidden"


class NotFoundError(ApiError):
    status = 404
    default_code = "not_found"


class ConflictError(ApiError):
    status = 409
    default_code = "conflict"


class GoneError(ApiError):
    status = 410
    default_code = "gone"


class TooLargeError(ApiError):
    status = 413
    default_code = "too_large"


class UnsupportedTypeError(ApiError):
    status = 415
    default_code = "unsupported_type"


class RateLimitedError(ApiError):
    status = 429
    default_code = "rate_limited"


class JobFailedError(ApiError):
    """An inline run's tool failed; `code` is the job's error code."""

    status = 400
    default_code = "processing_failed"


class ServiceUnavailableError(ApiError):
    status = 503
    default_code = "unavailable"


STORAGE_RETRY_AFTER_SECONDS = 5


def storage_unavailable() -> ServiceUnavailableError:
    """503 with Retry-After: storage did not answer (an outage, a restart). Never a 401 or
    a 500: the caller's request may be right, and trying again later is the remedy."""
    return ServiceUnavailableError(
        "Storage is unavailable; try again",
        headers={"Retry-After": str(STORAGE_RETRY_AFTER_SECONDS)},
    )
