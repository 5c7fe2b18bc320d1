"""History, delete, bulk delete and tenant isolation through the shared handlers."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

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


def _follow(services: Services, key: str, link: str) -> dict:
    query = dict(parse_qsl(urlsplit(link).query))
    return _history(services, key, query)


def test_a_cursor_walks_every_page_once_both_ways(services: Services, key: str, clock) -> None:
    ids = _jobs(services, key, clock, 7)
    newest_first = ids[::-1]
    page = _history(services, key, {"limit": "3"})
    assert page["previous"] is None
    pages = [page]
    while page["next"]:
        page = _follow(services, key, page["next"])
        pages.append(page)
    seen = [r["executionId"] for p in pages for r in p["results"]]
    assert seen == newest_first and len(pages) == 3
    assert [(p["count"], p["approximate"]) for p in pages] == [(3, True), (6, True), (7, False)]
    back = [pages[-1]]
    while back[-1]["previous"]:
        back.append(_follow(services, key, back[-1]["previous"]))
    assert [[r["executionId"] for r in p["results"]] for p in back] == [
        [r["executionId"] for r in p["results"]] for p in pages[::-1]
    ]


def test_history_filters_and_the_old_offset(services: Services, key: str, clock) -> None:
    ids = _jobs(services, key, clock, 3)
    assert _history(services, key, {"status": "completed"})["results"] == []
    pending = _history(services, key, {"tool_name": "base64-codec", "status": "pending"})
    assert pending["count"] == 3 and not pending["approximate"]
    old = _history(services, key, {"limit": "2", "offset": "1"})
    assert [r["executionId"] for r in old["results"]] == ids[::-1][1:3] and old["next"] is None
    assert old["count"] == 3 and old["previous"]


def test_a_foreign_cursor_is_a_400(services: Services, key: str) -> None:
    from shared.api.http import ApiRequest, handle

    request = ApiRequest(
        method="GET",
        url=f"{API}/v1/executions/",
        headers={"X-API-Key": key},
        params={"cursor": "not*a*cursor"},
    )
    answer = handle(services, request, api_executions.history)
    assert answer.status == 400


def test_status_answers_304_while_the_etag_holds(services: Services, key: str, clock) -> None:
    from shared.api.http import ApiRequest, handle

    [ident] = _jobs(services, key, clock, 1)

    def poll(etag: str | None) -> tuple[int, bytes, str]:
        headers = {"X-API-Key": key} | ({"If-None-Match": etag} if etag else {})
        request = ApiRequest(
            method="GET",
            url=f"{API}/v1/executions/{ident}/status/",
            headers=headers,
            route={"id": ident},
        )
        answer = handle(services, request, api_executions.status)
        return answer.status, answer.body, answer.headers["ETag"]

    status, body, etag = poll(None)
    assert status == 200 and body
    assert poll(etag) == (304, b"", etag)
    assert poll('"something-else"')[0] == 200
    job = services.jobs.get(services.keys.tenant_for(key) or "", ident)
    assert job is not None
    services.jobs.transition(job, job.status, progress=50.0)
    status, body, changed = poll(etag)
    assert status == 200 and changed != etag


def test_delete_and_bulk_delete(services: Services, key: str, clock) -> None:
    ids = _jobs(services, key, clock, 3)
    status, _, _ = call(services, key, api_executions.delete, method="DELETE", route={"id": ids[0]})
    assert status == 204
    status, body, _ = call(
        services, key, api_executions.bulk_delete, body={"execution_ids": [ids[1], ids[2], ids[0]]}
    )
    assert status == 200 and body["deleted"] == 2 and body["failed"] == 1
    assert body["errors"] == [{"executionId": ids[0], "error": "not found"}]
    assert _history(services, key, {})["results"] == []


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


def test_refresh_uploads_gives_a_pending_job_fresh_urls(
    services: Services, key: str, clock
) -> None:
    from datetime import datetime, timedelta

    from azure.storage.blob import BlobClient

    [ident] = _jobs(services, key, clock, 1)
    clock.advance(minutes=14)  # the first SAS has a minute left
    status, body, headers = call(services, key, api_executions.refresh_uploads, route={"id": ident})
    assert status == 200 and headers["Cache-Control"] == "no-store"
    window = timedelta(minutes=services.settings.upload_sas_minutes)
    assert datetime.fromisoformat(body["expiresAt"]) == clock.now + window
    [target] = body["uploads"]
    assert target["expiresAt"] == body["expiresAt"] and target["method"] == "PUT"
    BlobClient.from_blob_url(target["url"]).upload_blob(b"abcd", overwrite=True)
    # The job's own upload window moved too, so the cleanup sweep leaves it waiting.
    _, shown, _ = call(services, key, api_executions.status, method="GET", route={"id": ident})
    assert shown["status"] == "pending"
    assert datetime.fromisoformat(shown["expiresAt"]) == datetime.fromisoformat(body["expiresAt"])


def test_refresh_uploads_refuses_what_is_not_waiting(services: Services, key: str, clock) -> None:
    from shared.pipeline import lifecycle

    first, second = _jobs(services, key, clock, 2)
    other = services.keys.create("someone-else")[0]
    status, _, _ = call(services, other, api_executions.refresh_uploads, route={"id": first})
    assert status == 404
    status, _, _ = call(
        services,
        "mtb_000000000000_" + "z" * 30,
        api_executions.refresh_uploads,
        route={"id": first},
    )
    assert status == 401

    job = services.jobs.get(services.keys.tenant_for(key), second)
    assert job is not None
    lifecycle.fail(services, job, "The file is not a readable image", "invalid_input")
    status, body, _ = call(services, key, api_executions.refresh_uploads, route={"id": second})
    assert status == 409 and body["code"] == "not_pending"

    clock.advance(minutes=16)  # past the first window, never refreshed
    status, body, _ = call(services, key, api_executions.refresh_uploads, route={"id": first})
    assert status == 410 and body["code"] == "upload_expired"


def test_refresh_uploads_stops_a_day_after_creation(services: Services, key: str, clock) -> None:
    from datetime import datetime, timedelta

    [ident] = _jobs(services, key, clock, 1)
    created = clock.now
    answers = []
    for _ in range(200):
        clock.advance(minutes=services.settings.upload_sas_minutes - 1)
        status, body, _ = call(services, key, api_executions.refresh_uploads, route={"id": ident})
        answers.append(status)
        if status != 200:
            break
        assert datetime.fromisoformat(body["expiresAt"]) <= created + timedelta(hours=24)
    assert answers[-1] == 410 and answers.count(200) == len(answers) - 1 > 50
