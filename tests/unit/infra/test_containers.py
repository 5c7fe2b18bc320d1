"""The container path: Dockerfile and KEDA manifests agree with the app and the catalog."""

from __future__ import annotations

import re
from typing import Any

import yaml

from deploy.keda import generate
from tests.unit.infra.conftest import REPO

KEDA = REPO / "deploy" / "keda"


def _documents(name: str) -> list[dict[str, Any]]:
    return [d for d in yaml.safe_load_all((KEDA / name).read_text(encoding="utf-8")) if d]


def test_dockerfile_uses_the_official_functions_python_image() -> None:
    text = (REPO / "Dockerfile").read_text(encoding="utf-8")
    assert re.search(r"^FROM mcr\.microsoft\.com/azure-functions/python:4-python3\.11$", text, re.M)
    assert "pip install -r /requirements.txt" in text


def test_dockerfile_copies_every_package_the_app_imports() -> None:
    text = (REPO / "Dockerfile").read_text(encoding="utf-8")
    app = (REPO / "function_app.py").read_text(encoding="utf-8")
    packages = set(re.findall(r"^from (\w+)", app, re.M)) - {"__future__"}
    packages |= {"shared", "processors"}  # imported by functions/
    for package in sorted(packages):
        assert re.search(rf"^COPY {package} ", text, re.M), f"Dockerfile does not copy {package}/"
    assert re.search(r"^COPY host\.json function_app\.py ", text, re.M)


def test_processors_manifest_is_generated_from_the_catalog(registry_categories: list[str]) -> None:
    committed = (KEDA / "processors.yaml").read_text(encoding="utf-8")
    assert committed == generate.render(registry_categories), (
        "deploy/keda/processors.yaml is stale: run `python -m deploy.keda.generate`"
    )


def test_every_jobs_queue_scales_with_workload_identity(registry_categories: list[str]) -> None:
    docs = _documents("processors.yaml")
    scaled = {d["metadata"]["name"]: d for d in docs if d["kind"] == "ScaledObject"}
    deployments = {d["metadata"]["name"]: d for d in docs if d["kind"] == "Deployment"}
    auth = {d["metadata"]["name"]: d for d in _documents("common.yaml")}
    for category in registry_categories:
        obj = scaled[f"magictoolbox-process-{category}"]
        target = obj["spec"]["scaleTargetRef"]["name"]
        queues = {t["metadata"]["queueName"] for t in obj["spec"]["triggers"]}
        assert queues == {f"{category}-jobs", f"{category}-jobs-poison"}
        for trigger in obj["spec"]["triggers"]:
            assert trigger["type"] == "azure-queue"
            assert "connectionFromEnv" not in trigger["metadata"], "no connection strings"
            ref = trigger["authenticationRef"]["name"]
            assert auth[ref]["spec"]["podIdentity"]["provider"] == "azure-workload"
        pod = deployments[target]["spec"]["template"]
        assert pod["metadata"]["labels"]["azure.workload.identity/use"] == "true"
        env = {e["name"]: e["value"] for e in pod["spec"]["containers"][0]["env"]}
        assert set(env.values()) == {f"process_{category}", f"poison_{category}"}


def test_settings_map_has_no_connection_string() -> None:
    (config,) = [d for d in _documents("common.yaml") if d["kind"] == "ConfigMap"]
    assert "AzureWebJobsStorage" not in config["data"]
    assert config["data"]["AzureWebJobsStorage__accountName"]
