"""pdf-merge: several PDFs into one, in upload order, with a bookmark per source file."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from pydantic import Field

from processors.base import MB, Category, ProgressCallback, Tool, ToolParams
from processors.errors import InvalidInputError, LimitExceededError
from processors.formats import kind
from processors.pdf._document import MAX_PAGES, open_pdf
from processors.registry import register

MAX_MERGED_PAGES = 2000


class PdfMergeParams(ToolParams):
    bookmarks: bool = Field(
        default=True,
        title="Add bookmarks",
        description="Add a bookmark at the first page of each merged file.",
    )


@register
class PdfMerge(Tool[PdfMergeParams]):
    name = "pdf-merge"
    display_name = "Merge PDFs"
    description = "Join several PDF files into one document, in the order they were uploaded."
    category = Category.PDF
    icon = "files"
    input_kinds = (kind("pdf"),)
    output_kinds = (kind("pdf"),)
    min_files = 2
    max_files = 20
    max_file_size = 50 * MB
    timeout_seconds = 300
    Params = PdfMergeParams

    def run(
        self,
        inputs: Sequence[Path],
        output_dir: Path,
        params: PdfMergeParams,
        progress: ProgressCallback,
    ) -> Path:
        import pymupdf

        if len(inputs) < 2:
            raise InvalidInputError("Merging needs at least two PDF files.")
        output = output_dir / f"{inputs[0].stem or 'document'}-merged.pdf"
        merged = pymupdf.open()
        toc: list[list[int | str]] = []
        try:
            for done, path in enumerate(inputs, start=1):
                try:
                    source = open_pdf(path, max_pages=MAX_PAGES)
                except InvalidInputError as exc:
                    raise type(exc)(f"File {done}: {exc.message}") from None
                with source:
                    if merged.page_count + source.page_count > MAX_MERGED_PAGES:
                        raise LimitExceededError(
                            f"The merged document would have over {MAX_MERGED_PAGES} pages."
                        )
                    toc.append([1, path.stem or f"File {done}", merged.page_count + 1])
                    merged.insert_pdf(source)
                progress(90 * done / len(inputs), f"Merged file {done}/{len(inputs)}")
            if params.bookmarks:
                merged.set_toc(toc)
            progress(90, "Saving")
            merged.save(output, garbage=3, deflate=True)
        finally:
            merged.close()
        progress(100, "Done")
        return output
