"""infra/app/storage.bicep declares every container, queue and table the code names."""

from __future__ import annotations

import re

from shared.naming import (
    APIKEYS_TABLE,
    JOBS_TABLE,
    WEBHOOK_SECRETS_TABLE,
    WEBHOOKS_QUEUE,
    processed_container,
    queue_name,
    uploads_container,
)
from tests.unit.infra.bicep import BicepFile, Resource, expand


def _declared(resources: list[Resource], categories: list[str]) -> set[str]:
    names: set[str] = set()
    for resource in resources:
        if resource.loop is None:
            names.add(resource.name.strip("'"))
        else:
            variable, source = resource.loop
            assert source == "categories", f"{resource.symbol} loops over {source}"
            names.update(expand(resource.name, variable, categories))
    return names


def _missing(expected: set[str], declared: set[str]) -> str:
    return f"missing: {sorted(expected - declared)}"


def test_bicep_categories_equal_the_registry(
    bicep_categories: list[str], registry_categories: list[str]
) -> None:
    missing = sorted(set(registry_categories) - set(bicep_categories))
    extra = sorted(set(bicep_categories) - set(registry_categories))
    assert not missing and not extra, (
        f"infra/main.bicep `var categories` must equal processors.registry.categories(): "
        f"add {missing}, remove {extra}"
    )


def test_categories_reach_the_storage_and_app_modules(main_bicep: BicepFile) -> None:
    modules = {m.path: m for m in main_bicep.modules()}
    for path in ("app/storage.bicep", "app/function.bicep"):
        assert modules[path].params.get("categories") == "categories", path
        assert modules[path].params.get("retentionMinutes") == "retentionMinutes", path


def test_every_container_for_every_category(
    app_bicep: dict[str, BicepFile], registry_categories: list[str], bicep_categories: list[str]
) -> None:
    containers = app_bicep["storage"].resources_of("blobServices/containers")
    declared = _declared(containers, bicep_categories)
    expected = {uploads_container(c) for c in registry_categories} | {
        processed_container(c) for c in registry_categories
    }
    assert expected <= declared, _missing(expected, declared)


def test_every_jobs_queue_for_every_category(
    app_bicep: dict[str, BicepFile], registry_categories: list[str], bicep_categories: list[str]
) -> None:
    declared = _declared(
        app_bicep["storage"].resources_of("queueServices/queues"), bicep_categories
    )
    expected = {queue_name(c) for c in registry_categories}
    assert expected <= declared, _missing(expected, declared)


def test_jobs_apikeys_and_webhook_secrets_tables(app_bicep: dict[str, BicepFile]) -> None:
    declared = _declared(app_bicep["storage"].resources_of("tableServices/tables"), [])
    expected = {JOBS_TABLE, APIKEYS_TABLE, WEBHOOK_SECRETS_TABLE}
    assert expected <= declared, _missing(expected, declared)


def test_the_webhooks_queue(app_bicep: dict[str, BicepFile]) -> None:
    declared = _declared(app_bicep["storage"].resources_of("queueServices/queues"), [])
    assert WEBHOOKS_QUEUE in declared, _missing({WEBHOOKS_QUEUE}, declared)


def test_account_is_identity_only_https_tls12(app_bicep: dict[str, BicepFile]) -> None:
    (account,) = app_bicep["storage"].resources_of("Microsoft.Storage/storageAccounts")
    props = re.sub(r"\s+", " ", account.properties["properties"])
    for setting in (
        "allowSharedKeyAccess: false",
        "supportsHttpsTrafficOnly: true",
        "minimumTlsVersion: 'TLS1_2'",
        "allowBlobPublicAccess: false",
    ):
        assert setting in props, f"storage account needs {setting}"


def test_blob_cors_lets_the_site_upload(
    app_bicep: dict[str, BicepFile], main_bicep: BicepFile
) -> None:
    (blob_service,) = app_bicep["storage"].resources_of("/blobServices")
    cors = blob_service.properties["properties"]
    methods = set(re.findall(r"'(\w+)'", re.search(r"allowedMethods:\s*(\[.*?\])", cors).group(1)))  # type: ignore[union-attr]
    assert {"PUT", "OPTIONS", "GET", "HEAD"} <= methods
    assert re.search(r"allowedHeaders:\s*\[[^\]]*'x-ms-\*'", cors)
    assert re.search(r"exposedHeaders:\s*\[[^\]]*'x-ms-\*'", cors)
    assert re.search(r"allowedOrigins:\s*\[\s*siteOrigin\s*\]", cors)
    storage_module = next(m for m in main_bicep.modules() if m.path == "app/storage.bicep")
    assert storage_module.params["siteOrigin"] == "site.outputs.origin"


def test_lifecycle_backstop_uploads_one_day_processed_per_category(
    app_bicep: dict[str, BicepFile], main_bicep: BicepFile, bicep_categories: list[str]
) -> None:
    storage = app_bicep["storage"]
    (policy,) = storage.resources_of("/managementPolicies")
    assert re.search(r"rules:\s*concat\(uploadRules,\s*processedRules\)", policy.body)
    rules = re.sub(
        r"\s+", " ", storage.var_block("uploadRules") + storage.var_block("processedRules")
    )
    uploads = re.search(
        r"\[ for (\w+) in categories: \{ name: 'expire-\$\{\1\}-uploads'.*?"
        r"prefixMatch: \['\$\{\1\}-uploads/'\].*?daysAfterModificationGreaterThan: 1 \}",
        rules,
    )
    assert uploads, "an uploads rule per category deleting after 1 day"
    processed = re.search(
        r"for (\w+) in categories: \{ name: 'expire-\$\{\1\}-processed'.*?"
        r"prefixMatch: \['\$\{\1\}-processed/'\].*?daysAfterModificationGreaterThan: "
        r"\(retentionMinutes\[\1\]",
        rules,
    )
    assert processed, "a processed rule per category from retentionMinutes"
    assert sorted(main_bicep.var_object("retentionMinutes")) == sorted(bicep_categories)
