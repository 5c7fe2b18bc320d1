"""Application settings, read once from the environment (or local.settings.json Values).

Storage is reached either by a connection string (`AzureWebJobsStorage`: Azurite, or an
account key) or by identity (`AzureWebJobsStorage__accountName` plus optional service URIs
and a user-assigned identity's client id). Settings are built lazily by `get_settings()`;
tests build their own `Settings(...)` and pass it where needed.
"""

from __future__ import annotations

from datetime import timedelta
from functools import lru_cache

from pydantic import AliasChoices, Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = [
    "DEFAULT_RETENTION_MINUTES",
    "Settings",
    "SettingsError",
    "get_settings",
    "load_settings",
]

DEFAULT_RETENTION_MINUTES: dict[str, int] = {"image": 10, "video": 10}
"""Outputs of media tools are large and short-lived; every other category keeps 24 h."""
OTHER_RETENTION_MINUTES = 24 * 60


class SettingsError(RuntimeError):
    """A required setting is missing or malformed; the message names the key."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True, frozen=True)

    storage_connection_string: str | None = Field(
        default=None,
        validation_alias=AliasChoices("AzureWebJobsStorage", "storage_connection_string"),
    )
    storage_account_name: str | None = Field(
        default=None,
        validation_alias=AliasChoices("AzureWebJobsStorage__accountName", "storage_account_name"),
    )
    blob_service_uri: str | None = Field(
        default=None,
        validation_alias=AliasChoices("AzureWebJobsStorage__blobServiceUri", "blob_service_uri"),
    )
    queue_service_uri: str | None = Field(
        default=None,
        validation_alias=AliasChoices("AzureWebJobsStorage__queueServiceUri", "queue_service_uri"),
    )
    table_service_uri: str | None = Field(
        default=None,
        validation_alias=AliasChoices("AzureWebJobsStorage__tableServiceUri", "table_service_uri"),
    )
    storage_credential: str | None = Field(
        default=None,
        validation_alias=AliasChoices("AzureWebJobsStorage__credential", "storage_credential"),
    )
    storage_client_id: str | None = Field(
        default=None,
        validation_alias=AliasChoices("AzureWebJobsStorage__clientId", "storage_client_id"),
    )

    upload_sas_minutes: int = Field(
        default=15, ge=1, validation_alias=AliasChoices("UPLOAD_SAS_MINUTES", "upload_sas_minutes")
    )
    download_sas_minutes: int = Field(
        default=5,
        ge=1,
        validation_alias=AliasChoices("DOWNLOAD_SAS_MINUTES", "download_sas_minutes"),
    )
    record_retention_days: int = Field(
        default=7,
        ge=1,
        validation_alias=AliasChoices("RECORD_RETENTION_DAYS", "record_retention_days"),
    )
    max_upload_bytes: int = Field(
        default=500 * 1024 * 1024,
        ge=1,
        validation_alias=AliasChoices("MAX_UPLOAD_BYTES", "max_upload_bytes"),
    )
    rate_limit_per_minute: int = Field(
        default=120,
        ge=0,
        validation_alias=AliasChoices("RATE_LIMIT_PER_MINUTE", "rate_limit_per_minute"),
    )
    instance_memory_mb: int = Field(
        default=3072,
        ge=64,
        validation_alias=AliasChoices("INSTANCE_MEMORY_MB", "instance_memory_mb"),
    )
    """Memory all tool runs of one instance may reserve together; each reserves TOOL_MEMORY_MB
    while it runs, and a run that does not fit waits (see shared.pipeline.budget)."""
    auth_failures_per_minute: int = Field(
        default=30,
        ge=0,
        validation_alias=AliasChoices("AUTH_FAILURES_PER_MINUTE", "auth_failures_per_minute"),
    )
    """Wrong keys per client address and per key id before 429 (0 disables); apart from
    RATE_LIMIT_PER_MINUTE, which tests turn off."""
    tool_memory_mb: int = Field(
        default=1536,
        ge=64,
        validation_alias=AliasChoices("TOOL_MEMORY_MB", "tool_memory_mb"),
    )
    """Resident memory one tool run (with its FFmpeg child) may use before it is stopped."""
    public_blob_endpoint: str | None = Field(
        default=None, validation_alias=AliasChoices("PUBLIC_BLOB_ENDPOINT", "public_blob_endpoint")
    )
    site_origins: str = Field(
        default="*", validation_alias=AliasChoices("SITE_ORIGINS", "site_origins")
    )
    dev_api_key: str | None = Field(
        default=None, validation_alias=AliasChoices("DEV_API_KEY", "dev_api_key")
    )
    allow_private_webhooks: bool = Field(
        default=False,
        validation_alias=AliasChoices("ALLOW_PRIVATE_WEBHOOKS", "allow_private_webhooks"),
    )
    """Let webhooks go to http and to loopback/private addresses (local receivers only)."""
    webhook_retry_delays: str = Field(
        default="30,120,600,2700",
        pattern=r"^\s*\d+(\s*,\s*\d+)*\s*$",
        validation_alias=AliasChoices("WEBHOOK_RETRY_DELAYS", "webhook_retry_delays"),
    )
    """Seconds before each retry of a webhook; one attempt more than delays."""
    download_link_secrets: str | None = Field(
        default=None,
        validation_alias=AliasChoices("DOWNLOAD_LINK_SECRETS", "download_link_secrets"),
    )
    """Comma-separated; the first signs download links, every one is accepted."""
    download_link_minutes: int = Field(
        default=60,
        ge=1,
        le=7 * 24 * 60,
        validation_alias=AliasChoices("DOWNLOAD_LINK_MINUTES", "download_link_minutes"),
    )
    convert_max_bytes: int = Field(
        default=100 * 1024 * 1024,
        ge=1,
        validation_alias=AliasChoices("CONVERT_MAX_BYTES", "convert_max_bytes"),
    )
    """Largest multipart body /convert/ takes; larger files use the SAS upload."""
    retention_overrides: dict[str, int] = Field(default_factory=dict)
    """Minutes per category, from RETENTION_MINUTES_<CATEGORY> (collected in `from_env`)."""

    @model_validator(mode="after")
    def _storage_is_named(self) -> Settings:
        if not self.storage_connection_string and not self.storage_account_name:
            raise SettingsError(
                "missing setting: AzureWebJobsStorage (a connection string) or "
                "AzureWebJobsStorage__accountName (identity-based access)"
            )
        return self

    @property
    def webhook_delays(self) -> tuple[int, ...]:
        return tuple(int(part) for part in self.webhook_retry_delays.split(","))

    @property
    def link_secrets(self) -> list[str]:
        return [s.strip() for s in (self.download_link_secrets or "").split(",") if s.strip()]

    @property
    def uses_identity(self) -> bool:
        return not self.storage_connection_string

    def retention(self, category: str) -> timedelta:
        minutes = self.retention_overrides.get(
            category, DEFAULT_RETENTION_MINUTES.get(category, OTHER_RETENTION_MINUTES)
        )
        return timedelta(minutes=minutes)

    @property
    def record_retention(self) -> timedelta:
        return timedelta(days=self.record_retention_days)

    @property
    def origins(self) -> list[str]:
        return [o.strip() for o in self.site_origins.split(",") if o.strip()] or ["*"]


def _retention_from_env(environ: dict[str, str]) -> dict[str, int]:
    prefix = "RETENTION_MINUTES_"
    overrides: dict[str, int] = {}
    for key, value in environ.items():
        if key.upper().startswith(prefix):
            try:
                overrides[key[len(prefix) :].lower()] = int(value)
            except ValueError:
                raise SettingsError(f"setting {key} must be a whole number of minutes") from None
    return overrides


def load_settings(environ: dict[str, str] | None = None) -> Settings:
    """Settings from `environ` (default: the process environment); fails naming the key."""
    import os

    env = dict(os.environ if environ is None else environ)
    try:
        return Settings(**env, retention_overrides=_retention_from_env(env))  # type: ignore[arg-type]
    except SettingsError:
        raise
    except ValueError as exc:
        raise SettingsError(f"invalid settings: {exc}") from None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()
