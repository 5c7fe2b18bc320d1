from __future__ import annotations

from datetime import timedelta

import pytest

from shared.settings import Settings, SettingsError, load_settings


def test_defaults_with_a_connection_string() -> None:
    settings = load_settings({"AzureWebJobsStorage": "UseDevelopmentStorage=true"})
    assert settings.upload_sas_minutes == 15
    assert settings.download_sas_minutes == 5
    assert settings.retention("image") == timedelta(minutes=10)
    assert settings.retention("video") == timedelta(minutes=10)
    assert settings.retention("pdf") == timedelta(hours=24)
    assert settings.record_retention == timedelta(days=7)
    assert not settings.uses_identity


def test_overrides_from_environment_names() -> None:
    settings = load_settings(
        {
            "AzureWebJobsStorage": "x",
            "RETENTION_MINUTES_PDF": "3",
            "UPLOAD_SAS_MINUTES": "2",
            "RATE_LIMIT_PER_MINUTE": "7",
            "SITE_ORIGINS": "http://a, http://b",
        }
    )
    assert settings.retention("pdf") == timedelta(minutes=3)
    assert settings.upload_sas_minutes == 2
    assert settings.rate_limit_per_minute == 7
    assert settings.origins == ["http://a", "http://b"]


def test_identity_based_access() -> None:
    settings = Settings(
        storage_account_name="acct", storage_client_id="cid", storage_credential="managedidentity"
    )
    assert settings.uses_identity
    assert settings.storage_client_id == "cid"


def test_missing_storage_names_the_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AzureWebJobsStorage", raising=False)
    monkeypatch.delenv("AzureWebJobsStorage__accountName", raising=False)
    with pytest.raises(SettingsError, match="AzureWebJobsStorage"):
        load_settings({})


def test_bad_retention_names_the_key() -> None:
    with pytest.raises(SettingsError, match="RETENTION_MINUTES_PDF"):
        load_settings({"AzureWebJobsStorage": "x", "RETENTION_MINUTES_PDF": "soon"})
