"""The site gets staticwebapp.config.json's globalHeaders, as on Azure Static Web Apps."""

from __future__ import annotations

import json
from pathlib import Path

from devhost.http_server import build_app
from tests.unit.devhost.test_http_server import AsgiClient


def test_global_headers_are_added_to_static_answers(tmp_path: Path) -> None:
    site = tmp_path / "static_site"
    site.mkdir()
    (site / "index.html").write_text("<p>site</p>")
    config = {"globalHeaders": {"Content-Security-Policy": "default-src 'self'",
                                "Referrer-Policy": "no-referrer"}}  # fmt: skip
    (site / "staticwebapp.config.json").write_text(json.dumps(config))
    client = AsgiClient(build_app(tmp_path, [], "api", invoke_other=lambda spec, data: None))
    page = client.get("/")
    assert page.status_code == 200 and page.text == "<p>site</p>"
    assert page.headers["content-security-policy"] == "default-src 'self'"
    assert page.headers["referrer-policy"] == "no-referrer"


def test_without_a_config_nothing_is_added(tmp_path: Path) -> None:
    (tmp_path / "static_site").mkdir()
    (tmp_path / "static_site" / "index.html").write_text("<p>site</p>")
    client = AsgiClient(build_app(tmp_path, [], "api", invoke_other=lambda spec, data: None))
    assert "content-security-policy" not in client.get("/").headers


def test_the_repository_site_config_sets_csp_and_referrer_policy() -> None:
    path = Path(__file__).resolve().parents[3] / "static_site/public/staticwebapp.config.json"
    headers = json.loads(path.read_text())["globalHeaders"]
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert "https://*.blob.core.windows.net" in headers["Content-Security-Policy"]
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
