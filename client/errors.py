"""Errors the client raises.

ClientError
 ├── ApiError        the API answered with an error ({"error", "details", "code"})
 │    └── AuthError  401: no key or a key the API does not know
 └── JobFailedError       the job ended failed or expired; carries its final status
"""

from __future__ import annotations

from typing import Any

__all__ = ["ApiError", "AuthError", "ClientError", "JobFailedError"]


class ClientError(Exception):
    """Anything that went wrong talking to MagicToolbox."""


class ApiError(ClientError):
    def __init__(self, status_code: int, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.code = code

    def __str__(self) -> str:
        return f"{self.args[0]} (HTTP {self.status_code})"


class AuthError(ApiError):
    pass


class JobFailedError(ClientError):
    def __init__(self, status: dict[str, Any]) -> None:
        message = status.get("error") or f"job ended {status.get('status')}"
        super().__init__(message)
        self.status = status
