"""Apps as Azure indexes them: fail-fast settings and connections, ASGI and WSGI apps."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.integration.devhost.conftest import APPS, host_env

pytestmark = pytest.mark.integration


@pytest.mark.parametrize(
    ("app", "named"),
    [("missing_setting", "'DHB_NOT_SET', which is not set"), ("missing_connection", "DhbNowhere")],
)
def test_start_fails_naming_the_missing_setting(
    storage_connection_string: str, app: str, named: str
) -> None:
    from devhost.testing import DevHostError, run_devhost

    with (
        pytest.raises(DevHostError) as failed,
        run_devhost(APPS / app, env=host_env(storage_connection_string), workers=1, timeout=60),
    ):
        pass
    assert named in str(failed.value)
    assert "cannot host" in str(failed.value)


def _get(host: Any, path: str, **kwargs: Any) -> httpx.Response:
    return httpx.request(kwargs.pop("method", "GET"), f"{host.base_url}{path}", **kwargs)


def test_asgi_and_wsgi_function_apps(storage_connection_string: str) -> None:
    from devhost.testing import run_devhost

    env = host_env(storage_connection_string)
    with run_devhost(APPS / "asgi", env=env, workers=0) as host:
        answer = _get(host, "/api/hello/ann", method="POST", content=b"hi")
        assert answer.json() == {"path": "/api/hello/ann", "who": "ann", "body": "hi"}
        assert _get(host, "/api/nowhere").status_code == 404  # Starlette's own 404
    with run_devhost(APPS / "wsgi", env=env, workers=0) as host:
        answer = _get(host, "/api/any/path", method="PUT", content=b"body")
        assert answer.json() == {"path": "/api/any/path", "method": "PUT", "body": "body"}
