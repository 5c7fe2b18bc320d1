"""The site's response headers, as Azure Static Web Apps sets them: `globalHeaders` of the
site's `staticwebapp.config.json` (CSP, Referrer-Policy...) on every static answer."""

from __future__ import annotations

import json
import logging
from pathlib import Path

from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["global_headers", "with_headers"]

logger = logging.getLogger(__name__)
CONFIG = "staticwebapp.config.json"


def global_headers(site_dir: Path) -> dict[str, str]:
    path = site_dir / CONFIG
    if not path.is_file():
        return {}
    try:
        headers = json.loads(path.read_text()).get("globalHeaders") or {}
    except ValueError as exc:
        logger.warning("%s is not valid JSON (%s); no site headers", path, exc)
        return {}
    return {str(k): str(v) for k, v in headers.items()}


def with_headers(app: ASGIApp, headers: dict[str, str]) -> ASGIApp:
    """`app` with `headers` added to each answer that does not set them itself."""
    if not headers:
        return app
    encoded = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()]

    async def wrapped(scope: Scope, receive: Receive, send: Send) -> None:
        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name for name, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in encoded if k not in present]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await app(scope, receive, send_with_headers)

    return wrapped
