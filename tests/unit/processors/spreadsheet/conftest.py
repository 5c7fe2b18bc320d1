"""Spreadsheet fixtures: small CSV/JSON files written by each test, and the tool runner."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.unit.processors.conftest import RunTool as RunTool  # re-exported for the tests

SALES = "region,units,price,day\nNorth,1200,9.5,2025-01-02\nSouth,30,12.25,2025-01-03\n"


@pytest.fixture
def sales_csv(tmp_path: Path) -> Path:
    path = tmp_path / "sales.csv"
    path.write_text(SALES, encoding="utf-8")
    return path
