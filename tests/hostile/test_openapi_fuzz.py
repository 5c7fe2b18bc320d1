"""schemathesis against the served OpenAPI document: generated requests to every route must
never answer 5xx, and every answer must match what the document says (status code,
content type, schema). The number of examples is bounded so CI stays quick."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, settings  # noqa: E402  (after the skip)

pytestmark = pytest.mark.integration

EXAMPLES_PER_ROUTE = 4
CHECKS = [
    schemathesis.checks.not_a_server_error,
    schemathesis.checks.status_code_conformance,
    schemathesis.checks.content_type_conformance,
    schemathesis.checks.response_schema_conformance,
    schemathesis.checks.response_headers_conformance,
]
"""Server errors and mismatches with the document. Not `positive_data_acceptance`: a
schema-valid body may still be refused with a documented 4xx (a size over a tool's limit,
an extension the tool does not take), which the schema cannot express per tool."""


@pytest.fixture(scope="package")
def openapi_schema(devhost: Any) -> Any:
    return schemathesis.openapi.from_url(f"{devhost.base_url}/api/v1/openapi.json")


schema = schemathesis.pytest.from_fixture("openapi_schema")


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_ROUTE,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_no_server_errors_and_no_schema_mismatches(case: Any, api: httpx.Client) -> None:
    case.call_and_validate(
        headers={"X-API-Key": api.headers["X-API-Key"]}, checks=CHECKS, timeout=120
    )
