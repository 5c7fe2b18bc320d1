"""History, delete, bulk delete and tenant isolation through the shared handlers."""

from __future__ import annotations

from shared.api import executions as api_executions
from shared.api import tools as api_tools
from shared.context import Services
from tests.unit.shared.test_flow import API, call


def _jobs(services: Services, key: str, clock, count: int) -> list[str]:
    ids = []
    for _ in range(count):
        clock.advance(seconds=1)
        status, body, _ = call(
            services,
            key,
            api_tools.create_upload,
            route={"tool": "base64-codec"},
            body={"filename": "a.bin", "size": 4},
        )
        assert status == 201
        ids.append(body["executionId"])
    return ids


def _history(services: Services, key: str, query: dict[str, str]) -> dict:
    import json

    from shared.api.http import ApiRequest, handle

    request = ApiRequest(
        method="GET", url=f"{API}/v1/executions/", headers={"X-API-Key": key}, params=query
    )
    answer = handle(services, request, api_executions.history)
    assert answer.status == 200
    return json.loads(answer.body)


def test_history_pages_newest_first(services: Services, key: str, clock) -> None:
    ids = _jobs(services, key, clock, 3)
    first = _history(services, key, {"limit": "2"})
    assert first["count"] == 3 and [r["executionId"] for r in first["results"]] == ids[::-1][:2]
    assert first["previous"] is None and first["next"].endswith("offset=2")
    second = _history(services, key, {"limit": "2", "offset": "2"})
    assert [r["executionId"] for r in second["results"]] == [ids[0]] and second["next"] is None
    assert _history(services, key, {"status": "completed"})["count"] == 0
    assert _history(services, key, {"tool_name": "base64-codec", "status": "pending"})["count"] == 3


def test_delete_and_bulk_delete(services: Services, key: str, clock) -> None:
    ids = _jobs(services, key, clock, 3)
    status, _, _ = call(services, key, api_executions.delete, method="DELETE", route={"id": ids[0]})
    assert status == 204
    status, body, _ = call(
        services, key, api_executions.bulk_delete, body={"execution_ids": [ids[1], ids[2], ids[0]]}
    )
    assert status == 200 and body["deleted"] == 2 and body["failed"] == 1
    assert body["errors"] == [{"executionId": ids[0], "error": "not found"}]
    assert _history(services, key, {})["count"] == 0


def test_another_tenant_sees_404_and_no_key_is_401(services: Services, key: str, clock) -> None:
    [ident] = _jobs(services, key, clock, 1)
    other = services.keys.create("someone-else")[0]
    for handler, method in (
        (api_executions.status, "GET"),
        (api_executions.download, "GET"),
        (api_executions.delete, "DELETE"),
    ):
        status, body, _ = call(services, other, handler, method=method, route={"id": ident})
        assert status == 404 and body == {
            "error": "No such execution",
            "details": None,
            "code": "not_found",
        }
        status, body, _ = call(
            services, "mtb_000000000000_" + "z" * 30, handler, method=method, route={"id": ident}
        )
        assert status == 401 and body["code"] == "unauthorized"
    status, body, _ = call(
        services, key, api_executions.download, method="GET", route={"id": ident}
    )
    assert status == 404 and body["code"] == "not_ready"
