"""The Tool interface: what every tool in the catalog declares and does.

A tool is one class: metadata as class attributes, a pydantic `Params` model, and `run`,
which turns input files into one output file. Tools are pure file-in/file-out: no Azure,
no network, no globals. Heavy libraries are imported inside `run` so that listing the
catalog stays fast.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from enum import StrEnum
from pathlib import Path
from typing import Any, ClassVar, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError
from pydantic.alias_generators import to_camel

from processors.errors import InvalidInputError
from processors.formats import FileKind
from processors.labels import describe_errors, field_title, label_schema

__all__ = ["MB", "Category", "ProgressCallback", "Tool", "ToolParams", "output_file"]

MB = 1024 * 1024

ProgressCallback = Callable[[float, str], None]
"""progress(percent, step): percent in 0..100, step a short phrase such as "Encoding"."""


# Extensions that name the same format: photo.jpeg -> photo.jpg would still be "the input".
_SAME_FORMAT = (frozenset({".jpg", ".jpeg"}), frozenset({".tif", ".tiff"}))


def output_file(output_dir: Path, source: Path, extension: str, suffix: str) -> Path:
    """`<input stem><extension>` in `output_dir`, or `<stem><suffix><extension>` when that
    would be the input's own name (same format): a result saved beside its input, by the
    site or the CLI, never carries the input's name (photo.webp, but photo-compressed.jpg).
    """
    given, wanted = source.suffix.lower(), extension.lower()
    same = given == wanted or any({given, wanted} <= group for group in _SAME_FORMAT)
    return output_dir / f"{source.stem or 'output'}{suffix if same else ''}{extension}"


class Category(StrEnum):
    """A tool family. Storage is per category: `{category}-uploads`, `{category}-jobs`, ..."""

    IMAGE = "image"
    VIDEO = "video"
    PDF = "pdf"
    GPX = "gpx"
    OCR = "ocr"
    SPREADSHEET = "spreadsheet"
    DATA = "data"


class ToolParams(BaseModel):
    """Base of every tool's parameters: camelCase in JSON, snake_case in Python, no extras.

    Its JSON Schema is labelled for people (see processors/labels.py): a field without
    `title=` is titled by its name, and enum values no tool labels read as their words.
    """

    model_config = ConfigDict(
        extra="forbid",
        alias_generator=to_camel,
        populate_by_name=True,
        frozen=True,
        field_title_generator=field_title,
        json_schema_extra=label_schema,
    )


P = TypeVar("P", bound=ToolParams)


class Tool(ABC, Generic[P]):
    """One tool of the catalog. Subclasses set the class attributes and implement `run`."""

    name: ClassVar[str]
    display_name: ClassVar[str]
    description: ClassVar[str]
    category: ClassVar[Category]
    version: ClassVar[str] = "1.0"
    icon: ClassVar[str] = "gear"
    """A Bootstrap Icons name, without the `bi-` prefix."""

    input_kinds: ClassVar[tuple[FileKind, ...]] = ()
    """Accepted inputs; empty for a tool that takes parameters only."""
    output_kinds: ClassVar[tuple[FileKind, ...]] = ()
    min_files: ClassVar[int] = 1
    max_files: ClassVar[int] = 1
    max_file_size: ClassVar[int] = 50 * MB
    timeout_seconds: ClassVar[int] = 300
    sync: ClassVar[bool] = False
    """True when the tool is quick enough to answer inline (POST .../run/, inputs up to 1 MB)."""

    Params: ClassVar[type[ToolParams]] = ToolParams

    @abstractmethod
    def run(
        self, inputs: Sequence[Path], output_dir: Path, params: P, progress: ProgressCallback
    ) -> Path:
        """Process `inputs` (in upload order) and write one file into `output_dir`.

        Returns the output's path; its extension names the output format. Raises
        InvalidInputError (or LimitExceededError) with a readable message for bad input.
        """

    # -- helpers the pipeline uses; tools rarely override these -------------------------

    @property
    def takes_files(self) -> bool:
        return self.max_files > 0

    def parse_params(self, raw: dict[str, Any] | None) -> P:
        """Validate raw parameters; InvalidInputError lists every problem in plain words."""
        try:
            return self.Params.model_validate(raw or {})  # type: ignore[return-value]
        except ValidationError as exc:
            problems = describe_errors(exc.errors(), self.Params)
            raise InvalidInputError(f"Invalid parameters: {problems}") from None

    def extension_allowed(self, filename: str) -> bool:
        suffix = Path(filename).suffix.lower()
        return any(not k.extensions or suffix in k.extensions for k in self.input_kinds)

    def match_input(self, filename: str, head: bytes) -> FileKind | None:
        """The accepted kind that both the file's extension and its first bytes agree on."""
        suffix = Path(filename).suffix.lower()
        for file_kind in self.input_kinds:
            if (not file_kind.extensions or suffix in file_kind.extensions) and file_kind.matches(
                head
            ):
                return file_kind
        return None

    def describe(self) -> dict[str, Any]:
        """The catalog entry served by GET /api/v1/tools/ (camelCase JSON)."""
        return {
            "name": self.name,
            "displayName": self.display_name,
            "description": self.description,
            "category": str(self.category),
            "version": self.version,
            "icon": self.icon,
            "inputTypes": [_describe_kind(k) for k in self.input_kinds],
            "outputTypes": [_describe_kind(k) for k in self.output_kinds],
            "minFiles": self.min_files,
            "maxFiles": self.max_files,
            "maxFileSize": self.max_file_size,
            "timeoutSeconds": self.timeout_seconds,
            "sync": self.sync,
            "parameters": self.Params.model_json_schema(by_alias=True),
        }


def _describe_kind(file_kind: FileKind) -> dict[str, Any]:
    return {
        "name": file_kind.name,
        "extensions": list(file_kind.extensions),
        "mediaType": file_kind.media_type,
    }
