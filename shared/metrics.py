"""The pipeline's metrics, as OpenTelemetry instruments.

Instruments come from the global meter provider: Azure Monitor's (`shared.telemetry`) in
Azure, the console exporter when METRICS_EXPORTER=console, and otherwise the API's no-op
provider, so recording costs nothing locally and in tests. Names and attributes are what
docs/operations.md queries (`customMetrics` in Application Insights).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from opentelemetry import metrics

__all__ = ["job_finished", "queue_age", "webhook_attempt"]

JOBS = "magictoolbox.jobs"
PROCESSING_TIME = "magictoolbox.job.processing_time"
INPUT_SIZE = "magictoolbox.job.input_size"
QUEUE_AGE = "magictoolbox.queue.age"
WEBHOOK_ATTEMPTS = "magictoolbox.webhook.attempts"


@cache
def _instruments() -> dict[str, Any]:
    # Created on first use, after telemetry.configure() may have installed a provider.
    meter = metrics.get_meter_provider().get_meter("magictoolbox")
    return {
        JOBS: meter.create_counter(
            JOBS, unit="{job}", description="Jobs that reached a final status, by tool and status"
        ),
        PROCESSING_TIME: meter.create_histogram(
            PROCESSING_TIME, unit="s", description="Time a tool took to process a job"
        ),
        INPUT_SIZE: meter.create_histogram(
            INPUT_SIZE, unit="By", description="Size of a finished job's input files"
        ),
        QUEUE_AGE: meter.create_histogram(
            QUEUE_AGE, unit="s", description="Time a job waited in its queue until a worker took it"
        ),
        WEBHOOK_ATTEMPTS: meter.create_counter(
            WEBHOOK_ATTEMPTS, unit="{attempt}", description="Webhook delivery attempts by outcome"
        ),
    }


def job_finished(tool: str, status: str, *, seconds: float | None, input_size: int | None) -> None:
    attributes = {"tool": tool, "status": status}
    instruments = _instruments()
    instruments[JOBS].add(1, attributes)
    if seconds is not None:
        instruments[PROCESSING_TIME].record(seconds, attributes)
    if input_size is not None:
        instruments[INPUT_SIZE].record(input_size, attributes)


def queue_age(tool: str, seconds: float) -> None:
    _instruments()[QUEUE_AGE].record(max(0.0, seconds), {"tool": tool})


def webhook_attempt(outcome: str) -> None:
    """`outcome`: delivered, retrying or failed."""
    _instruments()[WEBHOOK_ATTEMPTS].add(1, {"outcome": outcome})
