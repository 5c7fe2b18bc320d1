"""The Bicep reader the infra tests rely on: it must see what is declared, and only that."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.unit.infra.bicep import BicepFile, expand, strip_comments

SAMPLE = """
// a comment with resource fake 'Microsoft.Storage/x@1' = {}
param name string
param size int = 2 // trailing comment
var items = [
  'a'
  'b'
]
var settings = {
  KEY_ONE: 'https://example.org/path' // the // inside a string stays
  'quoted-key': name
  nested: { inner: 1 }
}
/* resource hidden 'Microsoft.Storage/hidden@1' = {} */
resource parent 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: name
  properties: { allowSharedKeyAccess: false }
}
resource many 'Microsoft.Storage/storageAccounts/queueServices/queues@2023-05-01' = [
  for item in items: {
    parent: parent
    name: '${item}-jobs'
  }
]
resource maybe 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(name)) {
  name: guid(name)
}
resource old 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: 'other'
}
module child 'app/child.bicep' = {
  name: 'child'
  params: {
    items: items
    size: size
  }
}
output joined string = join(items, ',')
"""


@pytest.fixture
def sample(tmp_path: Path) -> BicepFile:
    path = tmp_path / "sample.bicep"
    path.write_text(SAMPLE, encoding="utf-8")
    return BicepFile(path)


def test_comments_go_strings_stay() -> None:
    text = strip_comments("a: 'x//y' // gone\n/* gone */b")
    assert text == "a: 'x//y' \nb"


def test_params_vars_and_outputs(sample: BicepFile) -> None:
    assert sample.params() == {"name": None, "size": "2"}
    assert sample.var_strings("items") == ["a", "b"]
    settings = sample.var_object("settings")
    assert list(settings) == ["KEY_ONE", "quoted-key", "nested"]
    assert settings["KEY_ONE"] == "'https://example.org/path'"
    assert sample.outputs() == {"joined": "join(items, ',')"}


def test_resources_loops_conditions_and_existing(sample: BicepFile) -> None:
    resources = {r.symbol: r for r in sample.resources()}
    assert set(resources) == {"parent", "many", "maybe", "old"}
    assert resources["many"].loop == ("item", "items")
    assert resources["many"].name == "'${item}-jobs'"
    assert resources["maybe"].name == "guid(name)"
    assert resources["old"].existing
    assert [r.symbol for r in sample.resources_of("/storageAccounts")] == ["parent"]


def test_modules_and_their_params(sample: BicepFile) -> None:
    (module,) = sample.modules()
    assert (module.symbol, module.path) == ("child", "app/child.bicep")
    assert module.params == {"items": "items", "size": "size"}


def test_expand_loop_templates() -> None:
    assert expand("'${c}-uploads'", "c", ["pdf", "gpx"]) == ["pdf-uploads", "gpx-uploads"]
    assert expand("'RETENTION_${toUpper(c)}'", "c", ["pdf"]) == ["RETENTION_PDF"]
