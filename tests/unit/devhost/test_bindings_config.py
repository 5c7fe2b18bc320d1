"""Connections, %Setting% resolution and binding expressions, as the host resolves them."""

from __future__ import annotations

import re

import pytest

from devhost.app_loader import AppIndexError, resolve_settings
from devhost.connections import ConnectionSettingError, resolve_connection
from devhost.expressions import BindingExpressionError, expand


def test_connection_string_then_azurewebjobs_prefix() -> None:
    env = {"Mine": "DefaultEndpointsProtocol=https;AccountName=a", "AzureWebJobsOther": "x=y"}
    assert resolve_connection("Mine", env).connection_string == env["Mine"]
    assert resolve_connection("Other", env).name == "AzureWebJobsOther"
    assert resolve_connection("", {"AzureWebJobsStorage": "s"}).name == "AzureWebJobsStorage"


def test_identity_forms() -> None:
    by_account = resolve_connection("Data", {"Data__accountName": "acct", "Data__clientId": "c"})
    assert by_account.uri("queue") == "https://acct.queue.core.windows.net"
    assert by_account.client_id == "c"
    by_uri = resolve_connection("Data", {"Data__blobServiceUri": "https://b.example/"})
    assert by_uri.uri("blob") == "https://b.example"
    with pytest.raises(ConnectionSettingError, match="no table service URI"):
        by_uri.uri("table")


def test_missing_connection_names_the_setting() -> None:
    with pytest.raises(ConnectionSettingError, match=r"'Nowhere'.*AzureWebJobsNowhere"):
        resolve_connection("Nowhere", {})


def test_percent_settings_resolve_or_fail_naming_the_setting() -> None:
    bindings = [{"name": "msg", "type": "queueTrigger", "queueName": "%Q%-in", "schedule": "%S%"}]
    resolve_settings("f", bindings, {"Q": "jobs", "S": "0 * * * * *"})
    assert bindings[0]["queueName"] == "jobs-in"
    assert bindings[0]["schedule"] == "0 * * * * *"
    with pytest.raises(AppIndexError, match="'%MISSING%' names app setting 'MISSING'"):
        resolve_settings("f", [{"name": "b", "type": "blob", "path": "c/%MISSING%"}], {})


def test_binding_expressions() -> None:
    data = {"QueueTrigger": "text", "name": "a.txt", "Query": {"tag": "t1"}, "doc": {"id": 7}}
    assert expand("out/{queueTrigger}/{NAME}", data) == "out/text/a.txt"
    assert expand("{Query.tag}-{doc.id}", data) == "t1-7"
    assert re.fullmatch(r"[0-9a-f-]{36}\.txt", expand("{rand-guid}.txt", data))
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ", expand("{DateTime}", data))
    assert expand("{sys.methodname}", data, function="f") == "f"
    with pytest.raises(BindingExpressionError, match=re.escape("'{missing}'")):
        expand("x/{missing}", data)
