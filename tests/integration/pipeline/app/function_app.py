"""The product's blueprints plus test-only tools (registered before the blueprints are
generated from the catalog). Started by tests/integration/pipeline/test_test_app.py."""

import azure.functions as func

from functions import cleanup, http_api, ingest, process
from tests.integration.pipeline.app import flaky_tools  # noqa: F401  (registers test tools)

app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)
for blueprint in (http_api.bp, ingest.bp, process.bp, cleanup.bp):
    app.register_functions(blueprint)
