"""The templates hang together: modules, params, outputs, JSON files (as a compiler would)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.unit.infra.bicep import BicepFile
from tests.unit.infra.conftest import INFRA


def test_json_files_are_valid() -> None:
    files = sorted(INFRA.rglob("*.json"))
    assert files, "no JSON under infra/"
    for path in files:
        json.loads(path.read_text(encoding="utf-8"))  # raises with the position


def test_parameters_file_names_real_params(main_bicep: BicepFile) -> None:
    data = json.loads((INFRA / "main.parameters.json").read_text(encoding="utf-8"))
    params = main_bicep.params()
    unknown = sorted(set(data["parameters"]) - set(params))
    assert not unknown, f"main.parameters.json sets unknown params {unknown}"
    required = {name for name, default in params.items() if default is None}
    assert required <= set(data["parameters"]), sorted(required - set(data["parameters"]))
    assert data["parameters"]["environmentName"]["value"] == "${AZURE_ENV_NAME}"
    assert isinstance(data["parameters"]["instanceMemoryMB"]["value"], int)


def test_abbreviations_used_exist(main_bicep: BicepFile) -> None:
    abbrs = json.loads((INFRA / "abbreviations.json").read_text(encoding="utf-8"))
    used = set(re.findall(r"abbrs\.(\w+)", main_bicep.text))
    assert used <= set(abbrs), sorted(used - set(abbrs))


def test_modules_exist_and_get_exactly_their_params(main_bicep: BicepFile) -> None:
    for module in main_bicep.modules():
        path = INFRA / module.path
        assert path.is_file(), f"module {module.symbol}: {module.path} missing"
        declared = BicepFile(path).params()
        unknown = sorted(set(module.params) - set(declared))
        assert not unknown, f"{module.path} has no params {unknown}"
        required = {name for name, default in declared.items() if default is None}
        missing = sorted(required - set(module.params))
        assert not missing, f"{module.path} needs {missing}"


def test_module_outputs_referenced_exist(main_bicep: BicepFile) -> None:
    modules = {m.symbol: BicepFile(INFRA / m.path) for m in main_bicep.modules()}
    for symbol, output in set(re.findall(r"\b(\w+)\.outputs\.(\w+)", main_bicep.text)):
        assert symbol in modules, f"{symbol} is not a module"
        assert output in modules[symbol].outputs(), f"{symbol} has no output {output}"


@pytest.mark.parametrize("path", sorted(INFRA.rglob("*.bicep")), ids=lambda p: p.name)
def test_every_param_is_used(path: Path) -> None:
    bicep = BicepFile(path)
    for name in bicep.params():
        uses = len(re.findall(rf"\b{name}\b", bicep.text))
        assert uses > 1, f"{path.name}: param {name} is never used"


def test_azd_tags_match_services(app_bicep: dict[str, BicepFile]) -> None:
    assert "'azd-service-name': 'api'" in app_bicep["function"].text
    assert "'azd-service-name': 'web'" in app_bicep["staticsite"].text


@pytest.mark.parametrize("path", sorted(INFRA.rglob("*.bicep")), ids=lambda p: p.name)
def test_no_for_expression_as_a_function_argument(path: Path) -> None:
    # Bicep rejects these (BCP138): loops go in var/resource/output values or properties.
    text = BicepFile(path).text
    assert not re.search(r"\w\(\s*(?:[^()]*,\s*)?\[\s*for\b", text), path.name
