"""Every media tool is in the catalog with what the site needs to build its form."""

from __future__ import annotations

import pytest

from processors.base import Category
from processors.registry import get_tool

from .conftest import MakeImage

MEDIA_TOOLS = {
    "image-format-converter": Category.IMAGE,
    "image-compressor": Category.IMAGE,
    "image-resizer": Category.IMAGE,
    "exif-extractor": Category.IMAGE,
    "video-rotation": Category.VIDEO,
    "video-compressor": Category.VIDEO,
    "video-to-gif": Category.VIDEO,
    "video-thumbnail": Category.VIDEO,
    "audio-extractor": Category.VIDEO,
}


@pytest.mark.parametrize(("name", "category"), MEDIA_TOOLS.items())
def test_catalog_entry(name: str, category: Category) -> None:
    tool = get_tool(name)
    assert tool is not None
    entry = tool.describe()
    assert entry["category"] == category
    assert entry["inputTypes"] and entry["outputTypes"]
    assert entry["icon"] != "gear"
    for key, schema in entry["parameters"].get("properties", {}).items():
        assert schema.get("title") and schema.get("description"), f"{name}.{key}"
        assert key[0].islower() and "_" not in key  # camelCase for the site
    defaults = {"width": 10} if name == "image-resizer" else {}
    assert tool.parse_params(defaults) is not None  # the defaults alone are valid


def test_only_exif_extractor_is_sync() -> None:
    assert {n for n in MEDIA_TOOLS if get_tool(n).sync} == {"exif-extractor"}  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "name", ["a.jpg", "a.png", "a.webp", "a.gif", "a.tiff", "a.bmp", "a.heic", "a.avif"]
)
def test_generated_images_pass_the_upload_check(make_image: MakeImage, name: str) -> None:
    """What the pipeline checks on arrival (extension + magic bytes) accepts real files."""
    head = make_image(name).read_bytes()[:8192]
    for tool_name in ("image-format-converter", "image-compressor", "image-resizer"):
        tool = get_tool(tool_name)
        assert tool is not None and tool.match_input(name, head) is not None
    assert get_tool("image-format-converter").match_input("a.exe", head) is None  # type: ignore[union-attr]
