"""Roles the code needs are assigned, and no key or key-bearing connection string exists."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.unit.infra.bicep import BicepFile
from tests.unit.infra.conftest import INFRA, REPO

# Built-in role definition ids (checked against learn.microsoft.com's built-in roles list).
ROLE_IDS = {
    "b7e6dc6d-f1e8-4753-8033-0f276bb0955b": "Storage Blob Data Owner",
    "974c5e8b-45b9-4653-ba55-5f855dd0fb88": "Storage Queue Data Contributor",
    "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3": "Storage Table Data Contributor",
    "3913510d-42f4-4e42-8a64-420c390055eb": "Monitoring Metrics Publisher",
}
NEEDED_ON_STORAGE = {
    # blob triggers' receipts, host locks, deployment package, uploads/outputs, and
    # generateUserDelegationKey for user delegation SAS (shared/sas.py)
    "Storage Blob Data Owner",
    # job queues, -poison queues the host creates, queue triggers
    "Storage Queue Data Contributor",
    # tables jobs and apikeys
    "Storage Table Data Contributor",
}

FORBIDDEN = {
    r"listKeys\(": "reads the account keys",
    r"(?i)AccountKey=": "a key-bearing connection string",
    r"allowSharedKeyAccess:\s*true": "enables Shared Key",
    r"--account-key": "passes an account key",
    r"storage account keys": "reads the account keys",
    r"(?i)SharedAccessSignature=": "a SAS in a connection string",
    r"(?i)InstrumentationKey=": "an App Insights key literal",
}


def _deployment_files() -> list[Path]:
    files = [p for p in INFRA.rglob("*") if p.is_file() and p.suffix in {".bicep", ".json", ".py"}]
    files += [REPO / "azure.yaml", REPO / "Dockerfile"]
    files += sorted((REPO / "deploy").rglob("*.yaml"))
    return files


def test_scan_covers_the_templates() -> None:
    names = {p.name for p in _deployment_files()}
    assert {"main.bicep", "storage.bicep", "function.bicep", "azure.yaml", "Dockerfile"} <= names


@pytest.mark.parametrize("pattern", sorted(FORBIDDEN))
def test_no_keys_anywhere(pattern: str) -> None:
    hits = [
        str(p.relative_to(REPO))
        for p in _deployment_files()
        if re.search(pattern, p.read_text(encoding="utf-8"))
    ]
    assert not hits, f"{FORBIDDEN[pattern]}: {hits}"


def test_role_ids_are_the_builtin_ones(app_bicep: dict[str, BicepFile]) -> None:
    roles = {k: v.strip("'") for k, v in app_bicep["rbac"].var_object("roles").items()}
    unknown = sorted(set(roles.values()) - set(ROLE_IDS))
    assert not unknown, f"unknown role definition ids: {unknown}"


def _assigned_to_app(rbac: BicepFile) -> dict[str, set[str]]:
    """Role name -> scopes it is assigned on for the app's identity."""
    roles = {k: v.strip("'") for k, v in rbac.var_object("roles").items()}
    assigned: dict[str, set[str]] = {}
    for resource in rbac.resources_of("Microsoft.Authorization/roleAssignments"):
        props = resource.properties
        inner = resource.properties["properties"]
        if not re.search(r"principalId:\s*identityPrincipalId\b", inner):
            continue
        scope = props["scope"]
        if resource.loop:
            variable, source = resource.loop
            assert re.search(rf"roleDefinitions',\s*{variable}\)", inner)
            refs = rbac.var_items(source)
        else:
            refs = re.findall(r"roleDefinitions',\s*([\w.]+)\)", inner)
        for ref in refs:
            role_id = roles[ref.removeprefix("roles.")]
            assigned.setdefault(ROLE_IDS[role_id], set()).add(scope)
    return assigned


def test_app_identity_holds_the_storage_roles(app_bicep: dict[str, BicepFile]) -> None:
    assigned = _assigned_to_app(app_bicep["rbac"])
    missing = sorted(r for r in NEEDED_ON_STORAGE if "storage" not in assigned.get(r, set()))
    assert not missing, f"the app's identity lacks {missing} on the storage account"


def test_app_identity_publishes_metrics(app_bicep: dict[str, BicepFile]) -> None:
    assigned = _assigned_to_app(app_bicep["rbac"])
    assert assigned.get("Monitoring Metrics Publisher") == {"applicationInsights"}


def test_app_insights_accepts_only_entra_auth(app_bicep: dict[str, BicepFile]) -> None:
    (component,) = app_bicep["monitoring"].resources_of("Microsoft.Insights/components")
    assert re.search(r"DisableLocalAuth:\s*true", component.properties["properties"])


def test_the_rbac_module_gets_the_app_identity(main_bicep: BicepFile) -> None:
    rbac = next(m for m in main_bicep.modules() if m.path == "app/rbac.bicep")
    assert rbac.params["identityPrincipalId"] == "identity.outputs.principalId"
    api = next(m for m in main_bicep.modules() if m.path == "app/function.bicep")
    assert api.params["identityClientId"] == "identity.outputs.clientId"
    assert api.params["identityId"] == "identity.outputs.id"
