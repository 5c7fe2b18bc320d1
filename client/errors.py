"""Errors the client raises.

ClientError
 ├── ApiError           the API answered with an error ({"error", "details", "code"});
 │    │                 status_code 0: the API or the storage could not be reached
 │    └── AuthError     401: no key or a key the API does not know
 ├── JobFailedError     the job ended failed or expired; carries its final status
 ├── OutputExistsError  the CLI will not write over an input or an existing file
 └── UsageError         the CLI's arguments do not work (a missing input file, no key)
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "ApiError",
    "AuthError",
    "ClientError",
    "JobFailedError",
    "OutputExistsError",
    "UsageError",
]


class ClientError(Exception):
    """Anything that went wrong talking to MagicToolbox."""


class ApiError(ClientError):
    def __init__(self, status_code: int, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.code = code
        self.retry_after: float | None = None
        """Seconds the API asked to wait (its Retry-After), when it said."""

    @property
    def unreachable(self) -> bool:
        """No answer at all (connection refused, DNS, a dropped stream) or a gateway's 502-504."""
        return self.status_code in (0, 502, 503, 504)

    def __str__(self) -> str:
        return f"{self.args[0]} (HTTP {self.status_code})" if self.status_code else self.args[0]


class AuthError(ApiError):
    pass


class JobFailedError(ClientError):
    def __init__(self, status: dict[str, Any]) -> None:
        message = status.get("error") or f"job ended {status.get('status')}"
        super().__init__(message)
        self.status = status


class OutputExistsError(ClientError):
    """The output would replace an input or an existing file, and --force was not given."""


class UsageError(ClientError):
    """Command-line input that cannot work, found after parsing (a missing file, no tool)."""
