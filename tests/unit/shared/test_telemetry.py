"""shared.telemetry: Azure Monitor is configured once, only when the connection setting exists."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from shared import telemetry

CONNECTION = "InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=https://x/"


class Recorder:
    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []

    def __call__(self, **options: Any) -> None:
        self.calls.append(options)


@pytest.fixture(autouse=True)
def fresh() -> Iterator[None]:
    telemetry._reset_for_tests()
    yield
    telemetry._reset_for_tests()


def test_no_setting_is_a_no_op() -> None:
    recorder = Recorder()
    assert telemetry.configure({}, exporter=recorder) is False
    assert telemetry.configure({telemetry.CONNECTION_SETTING: "  "}, exporter=recorder) is False
    assert recorder.calls == []


def test_setting_present_configures_azure_monitor_once() -> None:
    recorder = Recorder()
    env = {telemetry.CONNECTION_SETTING: CONNECTION}
    assert telemetry.configure(env, exporter=recorder) is True
    assert telemetry.configure(env, exporter=recorder) is False
    assert recorder.calls == [{"connection_string": CONNECTION}]


def test_entra_authentication_passes_the_identity_credential() -> None:
    recorder = Recorder()
    env = {
        telemetry.CONNECTION_SETTING: CONNECTION,
        "APPLICATIONINSIGHTS_AUTHENTICATION_STRING": "ClientId=abc-123;Authorization=AAD",
    }
    assert telemetry.configure(env, exporter=recorder) is True
    (options,) = recorder.calls
    assert options["connection_string"] == CONNECTION
    assert type(options["credential"]).__name__ == "ManagedIdentityCredential"


def test_default_exporter_is_the_real_azure_monitor_distro() -> None:
    from azure.monitor.opentelemetry import configure_azure_monitor

    assert telemetry._azure_monitor() is configure_azure_monitor


def test_reads_the_process_environment_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    recorder = Recorder()
    monkeypatch.delenv(telemetry.CONNECTION_SETTING, raising=False)
    assert telemetry.configure(exporter=recorder) is False
    monkeypatch.setenv(telemetry.CONNECTION_SETTING, CONNECTION)
    assert telemetry.configure(exporter=recorder) is True
    assert recorder.calls == [{"connection_string": CONNECTION}]
