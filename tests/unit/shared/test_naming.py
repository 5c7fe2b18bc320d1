from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from shared.naming import (
    is_execution_id,
    job_row_key,
    new_execution_id,
    output_blob_name,
    parse_upload_blob,
    row_key_of,
    safe_filename,
    upload_blob_name,
)


def test_row_keys_sort_newest_first() -> None:
    earlier = datetime(2026, 1, 1, tzinfo=UTC)
    later = earlier + timedelta(milliseconds=1)
    ident = new_execution_id()
    assert job_row_key(later, ident) < job_row_key(earlier, ident)


def test_upload_blob_names_round_trip() -> None:
    ident = new_execution_id()
    assert is_execution_id(ident)
    single = upload_blob_name("acme", ident, "Photo.JPG")
    assert single == f"acme/{ident}.jpg"
    ref = parse_upload_blob(single)
    assert ref is not None and (ref.tenant, ref.execution_id, ref.index) == ("acme", ident, None)
    multi = upload_blob_name("acme", ident, "b.pdf", 3)
    ref = parse_upload_blob(multi)
    assert multi == f"acme/{ident}/3.pdf" and ref is not None and ref.index == 3


def test_foreign_blob_names_are_not_ours() -> None:
    assert parse_upload_blob("acme/not-a-uuid.jpg") is None
    assert parse_upload_blob(f"../{new_execution_id()}.jpg") is None


def test_output_name_keeps_only_a_simple_extension() -> None:
    ident = new_execution_id()
    assert output_blob_name("t", ident, "x.webp") == f"t/{ident}.webp"
    assert output_blob_name("t", ident, "x.we/bp") == f"t/{ident}"


def test_safe_filename_drops_paths_and_quotes() -> None:
    assert safe_filename('../../etc/pa"ss\r\nwd.txt') == "pa_ss_wd.txt"
    assert safe_filename("C:\\Users\\me\\photo.png") == "photo.png"
    assert safe_filename("...") == "file"


def test_a_new_id_carries_its_creation_time_and_stays_unguessable() -> None:
    moment = datetime(2026, 5, 17, 8, 30, 12, 345000, tzinfo=UTC)
    first, second = new_execution_id(moment), new_execution_id(moment)
    assert first != second and is_execution_id(first)
    assert uuid.UUID(first).version == 7
    assert row_key_of(first) == job_row_key(moment, first)
    assert row_key_of(str(uuid.uuid4())) is None  # an old id names no row
    assert row_key_of("not-an-id") is None
