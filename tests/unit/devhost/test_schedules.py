"""NCRONTAB timer schedules and blob path patterns."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from devhost.blobs import path_pattern
from devhost.timers import Schedule

T0 = datetime(2026, 1, 1, 10, 0, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("*/5 * * * * *", datetime(2026, 1, 1, 10, 0, 5, tzinfo=UTC)),  # seconds first
        ("0 */5 * * * *", datetime(2026, 1, 1, 10, 5, 0, tzinfo=UTC)),
        ("30 9 * * *", datetime(2026, 1, 2, 9, 30, 0, tzinfo=UTC)),  # 5 fields: minutes first
        ("00:00:30", datetime(2026, 1, 1, 10, 0, 31, tzinfo=UTC)),  # TimeSpan
    ],
)
def test_next_occurrence(expression: str, expected: datetime) -> None:
    assert Schedule(expression).next_after(T0) == expected


def test_bad_schedule() -> None:
    with pytest.raises(ValueError, match="NCRONTAB"):
        Schedule("* * *")


def test_blob_path_patterns() -> None:
    container, prefix, pattern = path_pattern("image-uploads/{name}")
    assert (container, prefix) == ("image-uploads", "")
    match = pattern.fullmatch("tenant/abc.jpg")
    assert match is not None and match["name"] == "tenant/abc.jpg"  # sub-paths included

    container, prefix, pattern = path_pattern("in/raw/{folder}/{name}.csv")
    assert (container, prefix) == ("in", "raw/")
    match = pattern.fullmatch("raw/a/b/c.csv")
    assert match is not None and match.groupdict() == {"folder": "a", "name": "b/c"}
    assert pattern.fullmatch("raw/a/b.txt") is None
