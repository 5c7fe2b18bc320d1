"""MagicToolbox client: `magictoolbox` (or `python -m client`) on the command line,
`MagicToolboxClient` in Python."""

from client.api import FINAL_STATUSES, MagicToolboxClient
from client.errors import ApiError, AuthError, ClientError, JobFailedError, OutputExistsError

__all__ = [
    "FINAL_STATUSES",
    "ApiError",
    "AuthError",
    "ClientError",
    "JobFailedError",
    "MagicToolboxClient",
    "OutputExistsError",
]
