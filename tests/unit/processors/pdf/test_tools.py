"""Each PDF tool on PyMuPDF-made documents: pages, words and structure of the output."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
import pymupdf
import pytest
from PIL import Image

from processors.errors import InvalidInputError, LimitExceededError
from tests.unit.processors.pdf.conftest import SAMPLE_PDF, RunTool, make_image_bomb_pdf, make_pdf


def _increasing(calls: list[tuple[float, str]]) -> bool:
    percents = [p for p, _ in calls]
    return percents == sorted(percents) and percents[-1] == 100


def test_pdf_to_text_keeps_page_order_and_headers(five_page_pdf: Path, run_tool: RunTool) -> None:
    output, calls = run_tool("pdf-to-text", [five_page_pdf], pageRange="2-3")
    text = output.read_text(encoding="utf-8")
    assert output.suffix == ".txt"
    assert "--- Page 2 ---" in text and "alpha2" in text and "alpha3" in text
    assert "alpha1" not in text and "alpha4" not in text
    assert text.index("alpha2") < text.index("alpha3")
    assert _increasing(calls)


def test_pdf_to_text_on_the_sample(run_tool: RunTool) -> None:
    if not SAMPLE_PDF.is_file():
        pytest.skip("shared sample demo_file.pdf absent")
    output, _ = run_tool("pdf-to-text", [SAMPLE_PDF], pageHeaders=False)
    assert "three pages long" in output.read_text(encoding="utf-8")


def test_pdf_to_images_renders_the_chosen_pages_at_the_dpi(
    five_page_pdf: Path, run_tool: RunTool
) -> None:
    output, calls = run_tool("pdf-to-images", [five_page_pdf], dpi=72, pageRange="1,5")
    with zipfile.ZipFile(output) as archive:
        assert archive.namelist() == ["page-1.png", "page-5.png"]
        image = Image.open(io.BytesIO(archive.read("page-5.png")))
    assert image.format == "PNG" and image.size == (595, 842)
    assert _increasing(calls)


def test_pdf_to_images_jpeg_at_double_dpi(tmp_path: Path, run_tool: RunTool) -> None:
    pdf = make_pdf(tmp_path / "one.pdf", ["hi"], width=100, height=50)
    output, _ = run_tool("pdf-to-images", [pdf], dpi=144, format="jpeg")
    with zipfile.ZipFile(output) as archive:
        image = Image.open(io.BytesIO(archive.read("page-1.jpg")))
    assert image.format == "JPEG" and image.size == (200, 100)


def test_pdf_to_images_refuses_a_huge_page(tmp_path: Path, run_tool: RunTool) -> None:
    pdf = make_pdf(tmp_path / "poster.pdf", ["big"], width=14000, height=14000)
    with pytest.raises(LimitExceededError, match="megapixels"):
        run_tool("pdf-to-images", [pdf], dpi=300)


def test_pdf_merge_concatenates_in_upload_order_with_bookmarks(
    tmp_path: Path, run_tool: RunTool
) -> None:
    first = make_pdf(tmp_path / "first.pdf", ["one-a", "one-b"])
    second = make_pdf(tmp_path / "second.pdf", ["two-a"])
    output, calls = run_tool("pdf-merge", [second, first])
    with pymupdf.open(output) as merged:
        assert merged.page_count == 3
        assert "two-a" in merged[0].get_text()
        assert "one-b" in merged[2].get_text()
        assert merged.get_toc() == [[1, "second", 1], [1, "first", 2]]
    assert _increasing(calls)


def test_pdf_merge_names_the_bad_file(tmp_path: Path, run_tool: RunTool) -> None:
    good = make_pdf(tmp_path / "good.pdf", ["ok"])
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"%PDF-1.4 nothing else")
    with pytest.raises(InvalidInputError, match="File 2"):
        run_tool("pdf-merge", [good, bad])


def test_pdf_split_every_two_pages(five_page_pdf: Path, run_tool: RunTool) -> None:
    output, _ = run_tool("pdf-split", [five_page_pdf], pagesPerFile=2)
    with zipfile.ZipFile(output) as archive:
        names = archive.namelist()
        assert names == [
            "001-five-pages-1-2.pdf",
            "002-five-pages-3-4.pdf",
            "003-five-pages-5.pdf",
        ]
        with pymupdf.open(stream=archive.read(names[1]), filetype="pdf") as part:
            assert part.page_count == 2
            assert "alpha3" in part[0].get_text() and "alpha4" in part[1].get_text()


def test_pdf_split_by_ranges(five_page_pdf: Path, run_tool: RunTool) -> None:
    output, _ = run_tool("pdf-split", [five_page_pdf], mode="ranges", ranges="1, 3-")
    with zipfile.ZipFile(output) as archive:
        parts = [pymupdf.open(stream=archive.read(n), filetype="pdf") for n in archive.namelist()]
    assert [p.page_count for p in parts] == [1, 3]
    assert "alpha5" in parts[1][2].get_text()


def test_pdf_split_ranges_mode_needs_ranges(five_page_pdf: Path, run_tool: RunTool) -> None:
    with pytest.raises(InvalidInputError, match="page ranges"):
        run_tool("pdf-split", [five_page_pdf], mode="ranges")


def test_bad_page_range_parameter_is_refused_at_validation() -> None:
    from processors.registry import get_tool

    tool = get_tool("pdf-split")
    assert tool is not None
    with pytest.raises(InvalidInputError, match="ranges"):
        tool.parse_params({"ranges": "1-2; drop table"})


def test_images_to_pdf_one_page_per_image_in_order(tmp_path: Path, run_tool: RunTool) -> None:
    wide = tmp_path / "wide.png"
    Image.new("RGB", (400, 200), "red").save(wide, dpi=(72, 72))
    tall = tmp_path / "tall.jpg"
    Image.new("RGB", (100, 300), "blue").save(tall, dpi=(72, 72))
    output, calls = run_tool("images-to-pdf", [wide, tall])
    with pymupdf.open(output) as document:
        assert document.page_count == 2
        assert (round(document[0].rect.width), round(document[0].rect.height)) == (400, 200)
        assert (round(document[1].rect.width), round(document[1].rect.height)) == (100, 300)
        pixel = document[1].get_pixmap(dpi=36).pixel(10, 10)
        assert pixel[2] > 200 and pixel[0] < 50  # the blue image landed on page 2
    assert _increasing(calls)


def test_images_to_pdf_on_a4_turns_landscape_images(tmp_path: Path, run_tool: RunTool) -> None:
    wide = tmp_path / "wide.png"
    Image.new("RGB", (400, 200), "red").save(wide)
    output, _ = run_tool("images-to-pdf", [wide], pageSize="a4", marginMm=10)
    with pymupdf.open(output) as document:
        assert round(document[0].rect.width) == 842 and round(document[0].rect.height) == 595


def test_images_to_pdf_refuses_a_damaged_image(tmp_path: Path, run_tool: RunTool) -> None:
    bad = tmp_path / "bad.png"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 50)
    with pytest.raises(InvalidInputError, match="Image 1"):
        run_tool("images-to-pdf", [bad])


def test_pdf_to_docx_converts_the_chosen_pages(five_page_pdf: Path, run_tool: RunTool) -> None:
    output, calls = run_tool("pdf-docx-converter", [five_page_pdf], pageRange="2-3")
    text = "\n".join(p.text for p in docx.Document(str(output)).paragraphs)
    assert "alpha2" in text and "alpha3" in text and "alpha1" not in text
    steps = [s for _, s in calls]
    assert "Converting page 1/2" in steps and "Converting page 2/2" in steps
    assert _increasing(calls)


def test_pdf_to_docx_refuses_a_truncated_pdf(tmp_path: Path, run_tool: RunTool) -> None:
    bad = tmp_path / "cut.pdf"
    bad.write_bytes(make_pdf(tmp_path / "x.pdf", ["x"]).read_bytes()[:100])
    with pytest.raises(InvalidInputError):
        run_tool("pdf-docx-converter", [bad])


@pytest.mark.parametrize("name", ["pdf-to-images", "pdf-docx-converter", "ocr"])
def test_image_bombs_are_refused_before_decoding(
    name: str, tmp_path: Path, run_tool: RunTool
) -> None:
    bomb = make_image_bomb_pdf(tmp_path / "bomb.pdf")
    with pytest.raises(LimitExceededError, match="too large to process safely"):
        run_tool(name, [bomb])
