"""Every setting the app reads is set on the Flex Consumption function app.

What the app reads comes from the code itself: the aliases of shared/settings.py's
`Settings`, the keys of local.settings.example.json "Values", the RETENTION_MINUTES_<CATEGORY>
overrides and shared/telemetry.py's connection setting.
"""

from __future__ import annotations

import json
import re

import pytest
from pydantic import AliasChoices

from tests.unit.infra.bicep import BicepFile, expand
from tests.unit.infra.conftest import REPO

# Read locally, deliberately absent in Azure.
DEV_ONLY = {
    "AzureWebJobsStorage": "a connection string (Azurite); Azure uses the identity-based "
    "AzureWebJobsStorage__* settings",
    "DEV_API_KEY": "devhost's dev tenant; in Azure keys are made with `python -m shared.keys`",
    "DEVHOST_STARTUP_COMMAND": "devhost provisions Azurite with it; Bicep provisions Azure",
    "FUNCTIONS_WORKER_RUNTIME": "Flex rejects it: functionAppConfig.runtime names python",
    "METRICS_EXPORTER": "console metrics for local runs; Azure exports to Application Insights",
}


def _settings_aliases() -> set[str]:
    settings = pytest.importorskip("shared.settings", reason="shared/settings.py not committed")
    names: set[str] = set()
    for field in settings.Settings.model_fields.values():
        alias = field.validation_alias
        if isinstance(alias, AliasChoices):
            first = alias.choices[0]
            names.add(first if isinstance(first, str) else str(first))
        elif isinstance(alias, str):
            names.add(alias)
        elif field.alias:
            names.add(field.alias)
    return names


def _example_keys() -> set[str]:
    path = REPO / "local.settings.example.json"
    if not path.exists():
        pytest.skip("local.settings.example.json not committed")
    return set(json.loads(path.read_text(encoding="utf-8"))["Values"])


def _app_settings(function_bicep: BicepFile, categories: list[str]) -> dict[str, str]:
    settings = dict(function_bicep.var_object("appSettings"))
    generated = re.search(
        r"var retentionSettings = toObject\(\s*categories,\s*(\w+) => ('[^']*')",
        function_bicep.text,
    )
    assert generated, "RETENTION_MINUTES_<CATEGORY> settings generated from categories"
    for key in expand(generated.group(2), generated.group(1), categories):
        settings[key] = "generated"
    return settings


@pytest.fixture(scope="module")
def app_settings(app_bicep: dict[str, BicepFile], bicep_categories: list[str]) -> dict[str, str]:
    return _app_settings(app_bicep["function"], bicep_categories)


def test_the_settings_resource_applies_both_maps(app_bicep: dict[str, BicepFile]) -> None:
    config = next(r for r in app_bicep["function"].resources() if r.type == "config")
    assert config.name == "'appsettings'"
    assert re.sub(r"\s", "", config.properties["properties"]) == (
        "union(appSettings,retentionSettings)"
    )


def test_every_settings_field_is_set(app_settings: dict[str, str]) -> None:
    wanted = _settings_aliases() - set(DEV_ONLY)
    missing = sorted(wanted - set(app_settings))
    assert not missing, f"infra/app/function.bicep appSettings lacks {missing}"


def test_every_example_value_is_set(app_settings: dict[str, str]) -> None:
    wanted = _example_keys() - set(DEV_ONLY)
    missing = sorted(wanted - set(app_settings))
    assert not missing, f"infra/app/function.bicep appSettings lacks {missing}"


def test_retention_per_registered_category(
    app_settings: dict[str, str], registry_categories: list[str]
) -> None:
    missing = [
        f"RETENTION_MINUTES_{c.upper()}"
        for c in registry_categories
        if f"RETENTION_MINUTES_{c.upper()}" not in app_settings
    ]
    assert not missing, f"missing {missing}"


def test_telemetry_connection_setting_is_wired(app_settings: dict[str, str]) -> None:
    from shared.telemetry import CONNECTION_SETTING

    assert app_settings[CONNECTION_SETTING] == ("applicationInsights.properties.ConnectionString")
    assert app_settings["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"] == (
        "'ClientId=${identityClientId};Authorization=AAD'"
    )


def test_storage_is_reached_by_the_user_assigned_identity(app_settings: dict[str, str]) -> None:
    assert app_settings["AzureWebJobsStorage__credential"] == "'managedidentity'"
    assert app_settings["AzureWebJobsStorage__clientId"] == "identityClientId"
    assert app_settings["AzureWebJobsStorage__accountName"] == "storage.name"
    for service in ("blob", "queue", "table"):
        assert app_settings[f"AzureWebJobsStorage__{service}ServiceUri"] == (
            f"storage.properties.primaryEndpoints.{service}"
        )


def test_dev_only_settings_stay_out_of_azure(app_settings: dict[str, str]) -> None:
    leaked = sorted(set(DEV_ONLY) & set(app_settings))
    assert not leaked, f"dev-only settings set in Azure: {leaked}"


def test_dev_only_list_names_real_settings() -> None:
    # A stale exclusion would hide a missing setting: each must be read somewhere.
    read = _example_keys() | _settings_aliases()
    stale = sorted(set(DEV_ONLY) - read - {"FUNCTIONS_WORKER_RUNTIME"})
    assert not stale, f"DEV_ONLY names settings the app no longer reads: {stale}"


def test_flex_consumption_shape(app_bicep: dict[str, BicepFile], main_bicep: BicepFile) -> None:
    text = re.sub(r"\s+", " ", app_bicep["function"].text)
    assert "sku: { name: 'FC1', tier: 'FlexConsumption' }" in text
    assert "runtime: { name: 'python' version: '3.11' }" in text
    assert "type: 'UserAssignedIdentity' userAssignedIdentityResourceId: identityId" in text
    assert "type: 'blobContainer'" in text
    assert (
        "scaleAndConcurrency: { instanceMemoryMB: instanceMemoryMB "
        "maximumInstanceCount: maximumInstanceCount }"
    ) in text
    assert "httpsOnly: true" in text
    api = next(m for m in main_bicep.modules() if m.path == "app/function.bicep")
    assert api.params["instanceMemoryMB"] == "instanceMemoryMB"
    assert api.params["maximumInstanceCount"] == "maximumInstanceCount"
    assert {"instanceMemoryMB", "maximumInstanceCount"} <= set(main_bicep.params())


def test_python_version_matches_the_project(app_bicep: dict[str, BicepFile]) -> None:
    requires = re.search(r'requires-python = ">=(\d+\.\d+)"', (REPO / "pyproject.toml").read_text())
    assert requires and f"version: '{requires.group(1)}'" in app_bicep["function"].text
