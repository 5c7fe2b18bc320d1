"""Every blob trigger of the real function app gets its Event Grid subscription.

The postdeploy hook (infra/hooks/postdeploy.py) creates them from main.bicep's
INGEST_CATEGORIES output; these tests compare its plan with the indexed function_app.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
import yaml

from tests.unit.infra.bicep import BicepFile
from tests.unit.infra.conftest import REPO, load_hook

postdeploy = load_hook("postdeploy")


def _blob_triggers(index: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {
        f["name"]: binding
        for f in index
        for binding in f["bindings"]
        if binding["type"] == "blobTrigger"
    }


def test_app_has_blob_triggers_to_subscribe(function_index: list[dict[str, Any]]) -> None:
    assert _blob_triggers(function_index), "no blob trigger found: is the index read right?"


def test_blob_triggers_are_event_grid_sourced(function_index: list[dict[str, Any]]) -> None:
    polling = sorted(
        name for name, b in _blob_triggers(function_index).items() if b.get("source") != "EventGrid"
    )
    assert not polling, f"Flex Consumption runs only EventGrid blob triggers; not: {polling}"


def test_every_blob_trigger_has_a_subscription(
    function_index: list[dict[str, Any]], bicep_categories: list[str]
) -> None:
    wanted = {
        (name, binding["path"].split("/", 1)[0])
        for name, binding in _blob_triggers(function_index).items()
    }
    planned = {(s.function_name, s.container) for s in postdeploy.subscriptions(bicep_categories)}
    assert not wanted - planned, f"blob triggers without a subscription: {sorted(wanted - planned)}"
    assert not planned - wanted, f"subscriptions for no function: {sorted(planned - wanted)}"


def test_subscription_endpoint_and_filter() -> None:
    (sub,) = postdeploy.subscriptions(["pdf"])
    assert sub.endpoint("https://func-x.azurewebsites.net/", "KEY") == (
        "https://func-x.azurewebsites.net/runtime/webhooks/blobs"
        "?functionName=Host.Functions.ingest_pdf&code=KEY"
    )
    assert sub.subject_begins_with == "/blobServices/default/containers/pdf-uploads/"
    assert re.fullmatch(r"[A-Za-z0-9-]{3,64}", sub.name), "Event Grid subscription name rules"
    assert postdeploy.BLOB_CREATED == "Microsoft.Storage.BlobCreated"


def test_hook_creates_each_subscription_without_printing_the_key(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    calls: list[tuple[str, ...]] = []

    def fake_az(*args: str) -> str:
        calls.append(args)
        return "SECRET-KEY" if args[:3] == ("functionapp", "keys", "list") else "{}"

    monkeypatch.setattr(postdeploy, "_az", fake_az)
    env = {
        "AZURE_RESOURCE_GROUP": "rg-x",
        "AZURE_FUNCTION_APP_NAME": "func-x",
        "AZURE_EVENTGRID_SYSTEM_TOPIC_NAME": "evgt-x",
        "SERVICE_API_URI": "https://func-x.azurewebsites.net",
        "INGEST_CATEGORIES": "image,pdf",
    }
    assert postdeploy.main(env) == 0
    creates = [
        c for c in calls if c[:4] == ("eventgrid", "system-topic", "event-subscription", "create")
    ]
    assert len(creates) == 2
    args = dict(zip(creates[1][4::2], creates[1][5::2], strict=False))
    assert args["--system-topic-name"] == "evgt-x" and args["-g"] == "rg-x"
    assert args["--endpoint"].endswith("functionName=Host.Functions.ingest_pdf&code=SECRET-KEY")
    assert args["--included-event-types"] == "Microsoft.Storage.BlobCreated"
    assert args["--subject-begins-with"] == "/blobServices/default/containers/pdf-uploads/"
    assert "SECRET-KEY" not in capsys.readouterr().out


def test_hook_inputs_are_main_bicep_outputs(main_bicep: BicepFile) -> None:
    outputs = main_bicep.outputs()
    assert outputs["INGEST_CATEGORIES"] == "join(categories, ',')"
    hook = (REPO / "infra" / "hooks" / "postdeploy.py").read_text(encoding="utf-8")
    for name in set(re.findall(r'environ\["(\w+)"\]', hook)):
        assert name in outputs, f"postdeploy reads {name}, which main.bicep does not output"


def test_system_topic_on_the_storage_account(app_bicep: dict[str, BicepFile]) -> None:
    (topic,) = app_bicep["eventgrid"].resources_of("Microsoft.EventGrid/systemTopics")
    props = re.sub(r"\s+", " ", topic.properties["properties"])
    assert "source: storage.id" in props
    assert "topicType: 'Microsoft.Storage.StorageAccounts'" in props


def test_azd_runs_the_hook_after_deployment() -> None:
    config = yaml.safe_load((REPO / "azure.yaml").read_text(encoding="utf-8"))
    hook = config["hooks"]["postdeploy"]
    for platform in ("posix", "windows"):
        assert "infra/hooks/postdeploy.py" in hook[platform]["run"]
    assert config["services"]["api"]["host"] == "function"
    assert config["services"]["api"]["language"] == "python"
