"""Errors a tool raises. The pipeline decides what each means for the job.

    ToolError
    ├── InvalidInputError      the input or parameters are wrong: fail the job now, never retry
    │   └── LimitExceededError an input is over a safety limit (pixels, pages, duration, members)
    └── ToolTimeoutError       the tool ran past its time limit

Messages are shown to the person who uploaded the file: plain words, no stack traces,
no paths of our machines.
"""

from __future__ import annotations

__all__ = ["InvalidInputError", "LimitExceededError", "ToolError", "ToolTimeoutError"]


class ToolError(Exception):
    """Base class of every error a tool raises on purpose."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidInputError(ToolError):
    """The input file or the parameters cannot be processed; retrying will not help."""


class LimitExceededError(InvalidInputError):
    """The input is over a safety limit (decompression bombs, huge page counts, long videos)."""


class ToolTimeoutError(ToolError):
    """The tool did not finish within its declared timeout."""
