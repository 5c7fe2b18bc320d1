"""Blob triggers, one per `{category}-uploads` container, generated from the catalog."""

import azure.functions as func
import azurefunctions.extensions.bindings.blob as blob

from processors.registry import categories
from shared.context import get_services
from shared.naming import uploads_container
from shared.pipeline.ingest import ingest_blob

bp = func.Blueprint()


def _register(category: str) -> None:
    @bp.function_name(f"ingest_{category}")
    @bp.blob_trigger(
        arg_name="client",
        path=f"{uploads_container(category)}/{{name}}",
        connection="AzureWebJobsStorage",
        source=func.BlobSource.EVENT_GRID,
    )
    def ingest(client: blob.BlobClient) -> None:
        ingest_blob(get_services(), client)  # type: ignore[arg-type]


for _category in categories():
    _register(str(_category))
