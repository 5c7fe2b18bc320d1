"""The operations view for keys with the `admin` scope: GET /api/v1/admin/stats/."""

from __future__ import annotations

from shared.api.http import ApiRequest, ApiResponse, Caller, json_response
from shared.context import Services
from shared.states import JobStatus
from shared.stats import WINDOW, summarize

__all__ = ["stats"]


def stats(services: Services, request: ApiRequest, caller: Caller) -> ApiResponse:
    """Every tenant's last hour from the job records: jobs by tool and final status,
    processing time, input size, queue age, webhooks, and what is in flight now."""
    now = services.clock()
    finished = services.jobs.finished_since(now - WINDOW)
    in_flight = services.jobs.with_status(JobStatus.QUEUED, JobStatus.PROCESSING)
    return json_response(200, summarize(finished, in_flight, now=now))
