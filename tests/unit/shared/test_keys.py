from __future__ import annotations

import pytest
from azure.data.tables import TableServiceClient

from shared.context import Services
from shared.keys import KeyStore, key_id_of


def test_created_key_maps_to_its_tenant_and_is_stored_hashed(
    services: Services, tenant: str
) -> None:
    key, record = services.keys.create(tenant)
    assert key.startswith(f"mtb_{record.key_id}_")
    assert services.keys.tenant_for(key) == tenant
    entity = services.storage.apikeys_table.get_entity("key", record.key_id)
    assert key not in str(dict(entity))  # only the hash is stored


def test_wrong_or_malformed_keys_are_refused(services: Services, tenant: str) -> None:
    key, _ = services.keys.create(tenant)
    assert services.keys.tenant_for(key[:-1] + ("A" if key[-1] != "A" else "B")) is None
    assert services.keys.tenant_for("") is None
    assert services.keys.tenant_for("nonsense") is None


def test_a_chosen_key_of_any_shape_works_and_is_idempotent(services: Services, tenant: str) -> None:
    services.keys.create(tenant, "my-dev-key")
    services.keys.create(tenant, "my-dev-key")
    assert services.keys.tenant_for("my-dev-key") == tenant
    with pytest.raises(ValueError):
        services.keys.create(tenant + "other", "my-dev-key")


def test_revoked_key_stops_working(make_settings, provisioned, tenant: str) -> None:
    keys = KeyStore(Services(provisioned).storage.apikeys_table)
    key, record = keys.create(tenant)
    assert keys.tenant_for(key) == tenant
    assert keys.revoke(record.key_id)
    assert keys.tenant_for(key) is None
    assert not keys.revoke(record.key_id)
    assert key_id_of(key) == record.key_id


def test_fails_closed_without_the_table(storage_connection_string: str) -> None:
    table = TableServiceClient.from_connection_string(storage_connection_string).get_table_client(
        "nokeystable"
    )
    assert KeyStore(table).tenant_for("mtb_abcdefabcdef_" + "x" * 30) is None


def test_scopes_are_stored_and_read_with_the_tenant(services: Services, tenant: str) -> None:
    admin_key, record = services.keys.create(tenant, scopes=("admin",))
    plain_key, _ = services.keys.create(tenant)
    assert record.scopes == ("admin",)
    assert services.keys.scopes_for(admin_key) == ("admin",)
    assert services.keys.scopes_for(plain_key) == ()
    assert services.keys.scopes_for("nonsense") == ()
    with pytest.raises(ValueError, match="unknown scopes"):
        services.keys.create(tenant, scopes=("root",))


def test_the_cli_prints_and_rotates_a_tenant_webhook_secret(
    services: Services,
    tenant: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from shared import keys as cli

    monkeypatch.setattr("shared.storage.get_storage", lambda: services.storage)
    assert cli.main(["webhook-secret", "--tenant", tenant]) == 0
    first = capsys.readouterr().out.split()
    assert len(first) == 1 and first[0].startswith("whsec_")
    assert cli.main(["webhook-secret", "--tenant", tenant, "--rotate"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("whsec_") and lines[0] != first[0]
    assert lines[-1] == first[0]  # the previous secret, still honoured for 24 h
    assert cli.main(["create", "--tenant", tenant, "--admin"]) == 0
    assert "with scopes admin" in capsys.readouterr().out
