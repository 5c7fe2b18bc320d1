"""The pipeline's metrics reach whatever meter provider telemetry installed."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader

from shared import metrics


@pytest.fixture
def reader(monkeypatch: pytest.MonkeyPatch) -> Iterator[InMemoryMetricReader]:
    reader = InMemoryMetricReader()
    provider = MeterProvider(metric_readers=[reader])
    monkeypatch.setattr(metrics.metrics, "get_meter_provider", lambda: provider)
    metrics._instruments.cache_clear()
    yield reader
    metrics._instruments.cache_clear()
    provider.shutdown()


def points(reader: InMemoryMetricReader) -> dict[str, list[Any]]:
    data = reader.get_metrics_data()
    assert data is not None
    found: dict[str, list[Any]] = {}
    for resource in data.resource_metrics:
        for scope in resource.scope_metrics:
            for metric in scope.metrics:
                found[metric.name] = list(metric.data.data_points)
    return found


def test_finished_jobs_are_counted_by_tool_and_status_with_histograms(
    reader: InMemoryMetricReader,
) -> None:
    metrics.job_finished("image-resizer", "completed", seconds=1.5, input_size=2048)
    metrics.job_finished("image-resizer", "completed", seconds=0.5, input_size=1024)
    metrics.job_finished("ocr", "failed", seconds=None, input_size=None)
    found = points(reader)
    counts = {(p.attributes["tool"], p.attributes["status"]): p.value for p in found[metrics.JOBS]}
    assert counts == {("image-resizer", "completed"): 2, ("ocr", "failed"): 1}
    (timing,) = found[metrics.PROCESSING_TIME]
    assert (timing.count, timing.sum, timing.max) == (2, 2.0, 1.5)
    (size,) = found[metrics.INPUT_SIZE]
    assert size.sum == 3072


def test_queue_age_and_webhook_attempts(reader: InMemoryMetricReader) -> None:
    metrics.queue_age("pdf-merge", 3.0)
    metrics.webhook_attempt("retrying")
    metrics.webhook_attempt("delivered")
    found = points(reader)
    (age,) = found[metrics.QUEUE_AGE]
    assert age.sum == 3.0 and age.attributes == {"tool": "pdf-merge"}
    outcomes = {p.attributes["outcome"]: p.value for p in found[metrics.WEBHOOK_ATTEMPTS]}
    assert outcomes == {"retrying": 1, "delivered": 1}
