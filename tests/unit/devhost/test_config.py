"""host.json and local.settings.json reading."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from devhost.config import (
    apply_local_settings,
    load_host_config,
    load_local_settings,
    parse_timespan,
)


@pytest.mark.parametrize(
    ("value", "seconds"),
    [("00:00:02", 2.0), ("00:01:30", 90.0), ("1.00:00:00", 86400.0), ("00:00:00.5", 0.5), (3, 3.0)],
)
def test_parse_timespan(value: str | int, seconds: float) -> None:
    assert parse_timespan(value, 0) == seconds


def test_parse_timespan_refuses_garbage() -> None:
    with pytest.raises(ValueError, match="TimeSpan"):
        parse_timespan("two seconds", 0)


def test_host_defaults_without_host_json(tmp_path: Path) -> None:
    config = load_host_config(tmp_path)
    assert config.route_prefix == "api"
    assert config.queues.batch_size == 16
    assert config.queues.new_batch_threshold == 8
    assert config.queues.max_dequeue_count == 5
    assert config.queues.message_encoding == "base64"


def test_host_json_queue_options(tmp_path: Path) -> None:
    (tmp_path / "host.json").write_text(
        json.dumps(
            {
                "extensions": {
                    "http": {"routePrefix": "/v2/"},
                    "queues": {
                        "batchSize": 4,
                        "maxPollingInterval": "00:00:02",
                        "visibilityTimeout": "00:00:10",
                        "maxDequeueCount": 3,
                        "messageEncoding": "none",
                    },
                }
            }
        )
    )
    config = load_host_config(tmp_path)
    assert config.route_prefix == "v2"
    assert config.queues.new_batch_threshold == 2
    assert config.queues.max_polling_interval == 2.0
    assert config.queues.visibility_timeout == 10.0
    assert config.queues.max_dequeue_count == 3
    assert config.queues.message_encoding == "none"


def test_app_settings_override_host_json(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "host.json").write_text(
        json.dumps({"extensions": {"queues": {"batchSize": 4, "maxDequeueCount": 3}}})
    )
    monkeypatch.setenv("AzureFunctionsJobHost__extensions__queues__batchSize", "1")
    monkeypatch.setenv("AzureFunctionsJobHost__Extensions__Queues__NewBatchThreshold", "0")
    monkeypatch.setenv("AzureFunctionsJobHost__extensions__http__routePrefix", "v9")
    config = load_host_config(tmp_path)
    assert (config.queues.batch_size, config.queues.new_batch_threshold) == (1, 0)
    assert config.queues.max_dequeue_count == 3  # untouched keys keep host.json's value
    assert config.route_prefix == "v9"


def test_local_settings_do_not_override_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DH_TEST_SET", "from-env")
    monkeypatch.delenv("DH_TEST_NEW", raising=False)
    apply_local_settings({"Values": {"DH_TEST_SET": "from-file", "DH_TEST_NEW": "from-file"}})
    assert os.environ["DH_TEST_SET"] == "from-env"
    assert os.environ.pop("DH_TEST_NEW") == "from-file"


def test_example_settings_only_without_given_storage(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "local.settings.example.json").write_text(
        json.dumps({"Values": {"A": "1", "EMPTY": ""}, "Host": {"CORS": "*"}})
    )
    monkeypatch.delenv("AzureWebJobsStorage", raising=False)
    assert load_local_settings(tmp_path) == {"Values": {"A": "1"}, "Host": {"CORS": "*"}}
    monkeypatch.setenv("AzureWebJobsStorage", "UseDevelopmentStorage=true")
    assert load_local_settings(tmp_path) == {}
    (tmp_path / "local.settings.json").write_text(json.dumps({"Values": {"B": ""}}))
    assert load_local_settings(tmp_path) == {"Values": {"B": ""}}
