"""Fixtures for the infra consistency tests: the parsed Bicep, the hooks, the real code."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tests.unit.infra.bicep import BicepFile

REPO = Path(__file__).resolve().parents[3]
INFRA = REPO / "infra"


def load_hook(name: str) -> ModuleType:
    """An azd hook script from infra/hooks/ (not a package) as a module."""
    path = INFRA / "hooks" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"infra_hooks_{name}", path)
    assert spec is not None and spec.loader is not None, f"cannot load {path}"
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses resolve annotations through sys.modules
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def main_bicep() -> BicepFile:
    return BicepFile(INFRA / "main.bicep")


@pytest.fixture(scope="session")
def app_bicep() -> dict[str, BicepFile]:
    """infra/app/<stem>.bicep by stem: storage, function, rbac, eventgrid, ..."""
    return {path.stem: BicepFile(path) for path in sorted((INFRA / "app").glob("*.bicep"))}


@pytest.fixture(scope="session")
def bicep_categories(main_bicep: BicepFile) -> list[str]:
    return main_bicep.var_strings("categories")


@pytest.fixture(scope="session")
def registry_categories() -> list[str]:
    from processors.registry import categories

    return sorted(str(c) for c in categories())


_INDEX = """
import json, function_app
out = []
for f in function_app.app.get_functions():
    out.append({"name": f.get_function_name(),
                "bindings": [json.loads(b) for b in f.get_raw_bindings()]})
print(json.dumps(out))
"""


@pytest.fixture(scope="session")
def function_index() -> list[dict[str, Any]]:
    """The real function app's index, built in a child interpreter: `get_functions()` may
    run once per app object, and other tests index the same app."""
    if not (REPO / "function_app.py").exists():
        pytest.skip("function_app.py is not committed yet")
    result = subprocess.run(
        [sys.executable, "-c", _INDEX], cwd=REPO, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, f"indexing function_app failed:\n{result.stderr[-2000:]}"
    return list(json.loads(result.stdout.strip().splitlines()[-1]))
