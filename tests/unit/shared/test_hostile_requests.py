"""Hostile API requests answer a clear 4xx, never a 500: JSON nested thousands of levels
deep in any body or in /convert/ parameters, huge numbers, paths in filenames."""

from __future__ import annotations

from typing import Any

import pytest

from shared.api import executions as api_executions
from shared.api import tools as api_tools
from shared.api.http import ApiRequest, UploadedFile, handle
from shared.api.run import run
from shared.context import Services
from tests.unit.shared.test_flow import call

DEEP = "[" * 100_000 + "]" * 100_000
NESTED_40 = '{"a":' * 40 + "1" + "}" * 40


def _raw(services: Services, key: str, handler: Any, body: bytes, **route: str) -> tuple[int, Any]:
    import json

    request = ApiRequest(
        method="POST",
        url="http://h/api/v1/x",
        headers={"X-API-Key": key, "Content-Type": "application/json"},
        route=route,
        body=body,
    )
    answer = handle(services, request, handler)
    return answer.status, json.loads(answer.body)


@pytest.mark.parametrize(
    ("handler", "route"),
    [
        (api_tools.create_upload, {"tool": "base64-codec"}),
        (api_tools.create_job, {"tool": "unit-converter"}),
        (run, {"tool": "unit-converter"}),
        (api_executions.bulk_delete, {}),
    ],
)
@pytest.mark.parametrize(
    "body",
    [
        DEEP,
        '{"parameters": ' + DEEP + "}",
        '{"parameters": {"x": ' + NESTED_40 + "}}",
        '{"parameters": {"value": ' + "9" * 5000 + "}}",
    ],
    ids=["deep-body", "deep-parameters", "parameters-40-levels", "5000-digits"],
)
def test_hostile_json_bodies_answer_400(
    services: Services, key: str, handler: Any, route: dict[str, str], body: str
) -> None:
    status, answer = _raw(services, key, handler, body.encode(), **route)
    assert status == 400, answer
    assert answer["code"] in ("invalid_json", "invalid_body", "invalid_parameters")


@pytest.mark.parametrize(
    "parameters", [DEEP, NESTED_40, "[" * 500 + "]" * 500], ids=["deep", "40-levels", "500"]
)
def test_deep_convert_parameters_answer_400(services: Services, key: str, parameters: str) -> None:
    import json

    request = ApiRequest(
        method="POST",
        url="http://h/api/v1/tools/base64-codec/convert/",
        headers={"X-API-Key": key, "Content-Type": "multipart/form-data; boundary=x"},
        route={"tool": "base64-codec"},
        form={"parameters": parameters},
        file=UploadedFile("a.txt", b"hello"),
    )
    answer = handle(services, request, api_tools.convert)
    assert answer.status == 400, answer.body
    assert json.loads(answer.body)["code"] == "invalid_json"


@pytest.mark.parametrize("name", ["../../etc/passwd.jpg", "..\\..\\x.png", "a/b.png", ".."])
def test_a_filename_with_a_path_is_refused_with_a_message(
    services: Services, key: str, name: str
) -> None:
    status, body, _ = call(
        services,
        key,
        api_tools.create_upload,
        route={"tool": "image-format-converter"},
        body={"filename": name, "size": 10},
    )
    assert status == 400 and body["code"] == "bad_filename"
    assert "plain name" in body["error"]
