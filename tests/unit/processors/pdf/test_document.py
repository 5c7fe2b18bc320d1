from __future__ import annotations

from pathlib import Path

import pymupdf
import pytest

from processors.errors import InvalidInputError, LimitExceededError
from processors.pdf._document import check_page_images, open_pdf, parse_page_range, parse_ranges
from tests.unit.processors.pdf.conftest import RunTool, make_image_bomb_pdf, make_pdf


def test_parse_ranges_reads_single_pages_spans_and_open_ends() -> None:
    assert parse_ranges("1-3, 5, 8-", 10) == [[0, 1, 2], [4], [7, 8, 9]]


def test_empty_or_all_means_every_page() -> None:
    assert parse_ranges("", 3) == [[0, 1, 2]]
    assert parse_page_range("all", 2) == [0, 1]


def test_page_range_is_sorted_and_unique() -> None:
    assert parse_page_range("3, 1-2, 2", 5) == [0, 1, 2]


def test_range_past_the_end_is_clipped_but_a_missing_start_is_refused() -> None:
    assert parse_page_range("2-99", 3) == [1, 2]
    with pytest.raises(InvalidInputError, match="Page 7 does not exist"):
        parse_page_range("7", 3)


@pytest.mark.parametrize("spec", ["abc", "3-1", "0", "1--2"])
def test_bad_ranges_are_refused(spec: str) -> None:
    with pytest.raises(InvalidInputError):
        parse_ranges(spec, 5)


def test_truncated_pdf_is_refused_readably(tmp_path: Path) -> None:
    good = make_pdf(tmp_path / "good.pdf", ["hello"])
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(good.read_bytes()[:60])
    with pytest.raises(InvalidInputError, match=r"damaged|no pages"):
        open_pdf(bad)


def test_garbage_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 20)
    with pytest.raises(InvalidInputError):
        open_pdf(bad)


def test_encrypted_pdf_is_refused_with_a_password_message(tmp_path: Path) -> None:
    path = tmp_path / "locked.pdf"
    with pymupdf.open() as document:
        document.new_page().insert_text((72, 72), "secret")
        document.save(path, encryption=pymupdf.PDF_ENCRYPT_AES_256, owner_pw="o", user_pw="u")
    with pytest.raises(InvalidInputError, match="password"):
        open_pdf(path)


def test_page_limit(tmp_path: Path) -> None:
    path = make_pdf(tmp_path / "many.pdf", ["x"] * 4)
    with pytest.raises(LimitExceededError, match="4 pages; the limit is 3"):
        open_pdf(path, max_pages=3)


def test_a_page_embedding_a_gigantic_image_is_refused(tmp_path: Path) -> None:
    path = make_image_bomb_pdf(tmp_path / "bomb.pdf")
    with open_pdf(path) as document, pytest.raises(LimitExceededError, match="200000x200000"):
        check_page_images(document[0])


@pytest.mark.parametrize("name", ["pdf-to-images", "pdf-docx-converter", "ocr"])
def test_image_bombs_are_refused_before_decoding(
    name: str, tmp_path: Path, run_tool: RunTool
) -> None:
    bomb = make_image_bomb_pdf(tmp_path / "bomb.pdf")
    with pytest.raises(LimitExceededError, match="too large to process safely"):
        run_tool(name, [bomb])
