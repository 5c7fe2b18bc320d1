"""Errors a tool raises. The pipeline decides what each means for the job.

    ToolError
    ├── InvalidInputError      the input or parameters are wrong: fail the job now, never retry
    │   └── LimitExceededError an input is over a safety limit (pixels, pages, duration, members)
    └── ToolTimeoutError       the tool ran past its time limit

Messages are shown to the person who uploaded the file: plain words, no stack traces,
no paths of our machines.
"""

from __future__ import annotations

__all__ = [
    "InvalidInputError",
    "LimitExceededError",
    "ToolError",
    "ToolTimeoutError",
    "explain_failure",
]


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


_MUPDF_INPUT_ERRORS = ("FzErrorFormat", "FzErrorSyntax", "FzErrorUnsupported", "FzErrorArgument")


def explain_failure(exc: BaseException) -> InvalidInputError | None:
    """The input error behind an unexpected exception that the same file will always raise.

    Parsers fail on hostile files in ways no tool can list in advance: recursion too deep
    (JSON, XML, PDF object graphs), integers too long to convert, MuPDF's format errors
    (a page tree that loops). Retrying cannot help, so the job fails at once with a
    sentence; None means "not known to be the file's fault" (the pipeline retries).
    """
    if isinstance(exc, ToolError):
        return exc if isinstance(exc, InvalidInputError) else None
    if isinstance(exc, RecursionError):
        return InvalidInputError(
            "This file is nested too deeply to be read safely (for example brackets or "
            "elements inside each other thousands of levels deep)."
        )
    if isinstance(exc, ValueError) and "integer string conversion" in str(exc):
        return InvalidInputError(
            "This file holds a number with more than 4300 digits, which is refused."
        )
    if type(exc).__name__ in _MUPDF_INPUT_ERRORS and type(exc).__module__.startswith("pymupdf"):
        detail = str(exc).partition(": ")[2].strip() or "unknown structure"
        return InvalidInputError(f"This PDF is damaged and cannot be read ({detail}).")
    return None
