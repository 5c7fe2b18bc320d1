"""The app's function index: names, triggers and routes as the contract says.

Indexed in a child interpreter because `FunctionApp.get_functions()` may run once per app.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from processors.registry import categories

REPO_ROOT = Path(__file__).resolve().parents[3]

_INDEX = """
import json, function_app
out = []
for f in function_app.app.get_functions():
    trigger = f.get_trigger()
    out.append({"name": f.get_function_name(), "trigger": json.loads(f.get_raw_bindings()[0]),
                "bindings": [json.loads(b) for b in f.get_raw_bindings()]})
print(json.dumps(out))
"""


@pytest.fixture(scope="module")
def index() -> dict[str, dict[str, Any]]:
    result = subprocess.run(
        [sys.executable, "-c", _INDEX], cwd=REPO_ROOT, capture_output=True, text=True, check=True
    )
    return {f["name"]: f for f in json.loads(result.stdout.strip().splitlines()[-1])}


def test_one_ingest_process_and_poison_function_per_category(index: dict[str, Any]) -> None:
    for category in categories():
        ingest = index[f"ingest_{category}"]["trigger"]
        assert ingest["type"] == "blobTrigger"
        assert ingest["path"] == f"{category}-uploads/{{name}}"
        assert ingest["source"] == "EventGrid"
        assert ingest["connection"] == "AzureWebJobsStorage"
        assert index[f"process_{category}"]["trigger"]["queueName"] == f"{category}-jobs"
        assert index[f"poison_{category}"]["trigger"]["queueName"] == f"{category}-jobs-poison"


def test_webhook_deliveries_and_their_poison_queue(index: dict[str, Any]) -> None:
    assert index["deliver_webhook"]["trigger"]["queueName"] == "webhooks"
    assert index["webhook_poison"]["trigger"]["queueName"] == "webhooks-poison"


def test_cleanup_timer_every_five_minutes(index: dict[str, Any]) -> None:
    trigger = index["cleanup"]["trigger"]
    assert trigger["type"] == "timerTrigger" and trigger["schedule"] == "0 */5 * * * *"


def test_http_routes_match_the_contract(index: dict[str, Any]) -> None:
    routes = {
        (tuple(f["trigger"]["methods"]), f["trigger"]["route"])
        for f in index.values()
        if f["trigger"]["type"] == "httpTrigger"
    }
    expected = {
        (("GET",), "health"),
        (("GET",), "ready"),
        (("GET",), "v1/openapi.json"),
        (("GET",), "v1/tools/"),
        (("POST",), "v1/tools/{tool}/uploads/"),
        (("POST",), "v1/tools/{tool}/convert/"),
        (("POST",), "v1/tools/{tool}/jobs/"),
        (("POST",), "v1/tools/{tool}/run/"),
        (("GET",), "v1/executions/"),
        (("POST",), "v1/executions/bulk-delete/"),
        (("GET",), "v1/executions/{id}/status/"),
        (("GET",), "v1/executions/{id}/download/"),
        (("POST",), "v1/executions/{id}/uploads/refresh/"),
        (("DELETE",), "v1/executions/{id}/"),
        (("GET",), "v1/webhook-secret/"),
        (("POST",), "v1/webhook-secret/rotate/"),
        (("GET",), "v1/admin/stats/"),
    }
    assert routes == expected
    assert all(
        f["trigger"]["authLevel"] == "ANONYMOUS"
        for f in index.values()
        if f["trigger"]["type"] == "httpTrigger"
    )


def test_every_registered_route_is_documented(index: dict[str, Any]) -> None:
    from shared.api.http import ApiRequest
    from shared.api.openapi import document
    from shared.api.routes import ROUTES

    registered = {
        (f["trigger"]["methods"][0].lower(), "/" + f["trigger"]["route"])
        for f in index.values()
        if f["trigger"]["type"] == "httpTrigger"
    }
    paths = document(ROUTES, api_base=ApiRequest("GET", "http://h/api/x").api_base)["paths"]
    documented = {(method, path) for path, ops in paths.items() for method in ops}
    assert registered == documented
    assert {("get", "/health"), ("get", "/ready"), ("get", "/v1/openapi.json")} <= documented
