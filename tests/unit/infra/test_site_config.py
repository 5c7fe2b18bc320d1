"""The site's runtime config.json points at the deployed API (infra/hooks/write_site_config)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from tests.unit.infra.conftest import REPO, load_hook

hook = load_hook("write_site_config")


def test_api_base_url_is_the_function_app_api_prefix() -> None:
    assert hook.site_config("https://func-x.azurewebsites.net/") == {
        "apiBaseUrl": "https://func-x.azurewebsites.net/api"
    }


def test_writes_config_json_into_the_build(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text("<!doctype html>", encoding="utf-8")
    assert hook.main({"SERVICE_API_URI": "https://func-x.azurewebsites.net"}, dist=tmp_path) == 0
    written = json.loads((tmp_path / "config.json").read_text(encoding="utf-8"))
    assert written == {"apiBaseUrl": "https://func-x.azurewebsites.net/api"}


def test_refuses_without_the_api_uri(tmp_path: Path) -> None:
    with pytest.raises(SystemExit, match="SERVICE_API_URI"):
        hook.main({}, dist=tmp_path)


def test_same_shape_as_the_dev_config() -> None:
    path = REPO / "static_site" / "public" / "config.json"
    if not path.exists():
        pytest.skip("static_site/public/config.json not committed")
    dev = json.loads(path.read_text(encoding="utf-8"))
    assert set(dev) == set(hook.site_config("https://x"))


def test_azd_deploys_the_built_site_with_the_hook() -> None:
    web = yaml.safe_load((REPO / "azure.yaml").read_text(encoding="utf-8"))["services"]["web"]
    assert web["host"] == "staticwebapp"
    assert web["dist"] == str(hook.DIST.relative_to(REPO))
    assert "infra/hooks/write_site_config.py" in web["hooks"]["predeploy"]["posix"]["run"]
