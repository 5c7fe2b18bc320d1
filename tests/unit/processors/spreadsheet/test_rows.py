from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from processors.errors import InvalidInputError, LimitExceededError
from processors.spreadsheet._rows import load_csv, load_json, typed


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("42", 42),
        ("-3.5", -3.5),
        ("1e3", 1000.0),
        ("007", "007"),
        ("2025-12-31", date(2025, 12, 31)),
        ("2025-12-31T08:30", datetime(2025, 12, 31, 8, 30)),
        ("", None),
        ("hello", "hello"),
        ("nan", "nan"),
    ],
)
def test_values_are_typed(text: str, value: object) -> None:
    assert typed(text) == value
    assert type(typed(text)) is type(value)


def test_csv_with_semicolons_and_quoted_newlines(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text('name;note;qty\n"Ann";"two\nlines";3\nBob;;4\n', encoding="utf-8")
    table = load_csv(path)
    assert table.header == ["name", "note", "qty"]
    assert table.rows == [["Ann", "two\nlines", 3], ["Bob", None, 4]]


def test_ragged_csv_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "ragged.csv"
    path.write_text("a,b,c\n1,2,3\n4,5\n", encoding="utf-8")
    with pytest.raises(InvalidInputError, match="Line 3 has 2 values but the header has 3"):
        load_csv(path)


def test_empty_csv_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_text("\n\n", encoding="utf-8")
    with pytest.raises(InvalidInputError, match="empty"):
        load_csv(path)


def test_json_objects_union_their_keys_in_order(tmp_path: Path) -> None:
    path = tmp_path / "rows.json"
    path.write_text('[{"a": 1, "b": "x"}, {"b": "y", "c": [1, 2]}]', encoding="utf-8")
    table = load_json(path)
    assert table.header == ["a", "b", "c"]
    assert table.rows == [[1, "x", None], [None, "y", "[1, 2]"]]


def test_json_wrapped_in_an_object(tmp_path: Path) -> None:
    path = tmp_path / "rows.json"
    path.write_text('{"rows": [["k", "v"], ["x", 2]]}', encoding="utf-8")
    table = load_json(path)
    assert (table.header, table.rows) == (["k", "v"], [["x", 2]])


@pytest.mark.parametrize("document", ["[1, 2]", "{}", '[{"a": 1}, [1]]', "not json"])
def test_json_of_the_wrong_shape_is_refused(tmp_path: Path, document: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(document, encoding="utf-8")
    with pytest.raises(InvalidInputError):
        load_json(path)


def test_cell_limit_counts_rows_times_columns(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("processors.spreadsheet._rows.MAX_CELLS", 10)
    path = tmp_path / "wide.csv"
    path.write_text("a,b,c,d,e\n" + "1,2,3,4,5\n" * 3, encoding="utf-8")
    with pytest.raises(LimitExceededError, match="2 rows of 5 columns"):
        load_csv(path)
    rows = tmp_path / "wide.json"
    rows.write_text('[{"a":1,"b":2,"c":3,"d":4,"e":5}, {"a":1}, {"a":2}]', encoding="utf-8")
    with pytest.raises(LimitExceededError, match="cells"):
        load_json(rows)
