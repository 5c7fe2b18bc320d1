"""The Function app: registers the Blueprints in functions/. Nothing else lives here."""

import azure.functions as func

from functions import cleanup, http_api, ingest, process, webhooks
from shared import telemetry

telemetry.configure()

app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)
for blueprint in (http_api.bp, ingest.bp, process.bp, cleanup.bp, webhooks.bp):
    app.register_functions(blueprint)
