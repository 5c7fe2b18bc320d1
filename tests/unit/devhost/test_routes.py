"""The route template parser: literals, parameters, optionals, catch-alls, constraints."""

from __future__ import annotations

import pytest

from devhost.routes import RouteTemplate, RouteTemplateError


@pytest.mark.parametrize(
    ("template", "path", "expected"),
    [
        ("v1/tools/", "v1/tools", {}),
        ("v1/tools/", "/V1/Tools/", {}),
        ("v1/tools/{tool}/uploads/", "v1/tools/image-resizer/uploads/", {"tool": "image-resizer"}),
        ("items/{id:int}", "items/-12", {"id": "-12"}),
        ("items/{id:int}", "items/1x", None),
        ("items/{id:int:min(10)}", "items/9", None),
        ("items/{id:int:range(1,9)}", "items/9", {"id": "9"}),
        (
            "g/{g:guid}",
            "g/0f8fad5b-d9cb-469f-a165-70867728950e",
            {"g": "0f8fad5b-d9cb-469f-a165-70867728950e"},
        ),
        ("g/{g:guid}", "g/nope", None),
        ("n/{name:alpha}", "n/abc", {"name": "abc"}),
        ("n/{name:alpha}", "n/ab1", None),
        ("n/{name:minlength(3):maxlength(4)}", "n/ab", None),
        ("n/{name:length(2)}", "n/ab", {"name": "ab"}),
        ("b/{flag:bool}", "b/True", {"flag": "True"}),
        ("r/{code:regex(^[a-z]{{2}}\\d$)}", "r/ab1", {"code": "ab1"}),
        ("opt/{id?}", "opt", {}),
        ("opt/{id?}", "opt/5", {"id": "5"}),
        ("def/{page=1}", "def", {"page": "1"}),
        ("files/{*rest}", "files/a/b%20c/d.txt", {"rest": "a/b c/d.txt"}),
        ("files/{*rest}", "files", {}),
        ("a/{x}", "a/1/2", None),
        ("a/{x}", "a", None),
        ("", "", {}),
    ],
)
def test_match(template: str, path: str, expected: dict[str, str] | None) -> None:
    assert RouteTemplate.parse(template).match(path) == expected


def test_catch_all_must_be_last() -> None:
    with pytest.raises(RouteTemplateError):
        RouteTemplate.parse("files/{*rest}/more")


def test_unknown_constraint_is_refused() -> None:
    with pytest.raises(RouteTemplateError, match="nosuch"):
        RouteTemplate.parse("x/{id:nosuch}")


def test_literals_rank_before_parameters() -> None:
    literal = RouteTemplate.parse("v1/executions/bulk-delete/")
    param = RouteTemplate.parse("v1/executions/{id}/")
    assert literal.specificity > param.specificity
