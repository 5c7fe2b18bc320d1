"""Azure Monitor telemetry: on when APPLICATIONINSIGHTS_CONNECTION_STRING is set; locally
the metrics can go to the console (METRICS_EXPORTER=console), or nowhere. Either way every
log line inside a job or request names its ids (shared.tracing).

`configure()` is called by function_app.py at import. It sets up the OpenTelemetry
exporters once per process; later calls (and calls without the setting, as on devhost and
in tests) do nothing. With a user-assigned identity, APPLICATIONINSIGHTS_AUTHENTICATION_STRING
(`ClientId=...;Authorization=AAD`) makes the exporter authenticate with Entra ID, which
Application Insights requires when its local (key) authentication is disabled.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from collections.abc import Callable, Mapping
from typing import Any

from shared import tracing

__all__ = ["CONNECTION_SETTING", "configure"]

CONNECTION_SETTING = "APPLICATIONINSIGHTS_CONNECTION_STRING"
METRICS_SETTING = "METRICS_EXPORTER"
_AUTH_SETTING = "APPLICATIONINSIGHTS_AUTHENTICATION_STRING"

logger = logging.getLogger(__name__)
_lock = threading.Lock()
_configured = False


def _azure_monitor() -> Callable[..., Any]:
    from azure.monitor.opentelemetry import configure_azure_monitor

    return configure_azure_monitor


def _credential(environ: Mapping[str, str]) -> Any:
    """An Entra ID credential for the exporter when the app runs with a managed identity."""
    auth = dict(
        part.split("=", 1) for part in environ.get(_AUTH_SETTING, "").split(";") if "=" in part
    )
    if auth.get("Authorization", "").upper() != "AAD":
        return None
    from azure.identity import ManagedIdentityCredential

    client_id = auth.get("ClientId")
    return ManagedIdentityCredential(client_id=client_id) if client_id else None


def configure(
    environ: Mapping[str, str] | None = None,
    *,
    exporter: Callable[..., Any] | None = None,
) -> bool:
    """Send logs, traces and metrics to Application Insights; True if this call set it up."""
    global _configured
    env = os.environ if environ is None else environ
    tracing.install_log_context()
    connection_string = env.get(CONNECTION_SETTING, "").strip()
    if not connection_string:
        if env.get(METRICS_SETTING, "").strip().lower() == "console":
            _console_metrics()
        return False
    with _lock:
        if _configured:
            return False
        options: dict[str, Any] = {"connection_string": connection_string}
        credential = _credential(env)
        if credential is not None:
            options["credential"] = credential
        (exporter or _azure_monitor())(**options)
        _configured = True
    logger.info("telemetry: exporting to Azure Monitor")
    return True


def _console_metrics() -> None:
    """Local: print the pipeline's metrics to stderr every 60 s (METRICS_EXPORTER=console)."""
    global _configured
    with _lock:
        if _configured:
            return
        from opentelemetry import metrics
        from opentelemetry.sdk.metrics import MeterProvider
        from opentelemetry.sdk.metrics.export import (
            ConsoleMetricExporter,
            PeriodicExportingMetricReader,
        )

        reader = PeriodicExportingMetricReader(
            ConsoleMetricExporter(out=sys.stderr), export_interval_millis=60_000
        )
        metrics.set_meter_provider(MeterProvider(metric_readers=[reader]))
        _configured = True
    logger.info("telemetry: metrics to the console")


def _reset_for_tests() -> None:
    global _configured
    with _lock:
        _configured = False
