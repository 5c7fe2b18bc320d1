"""A test app for devhost: a blob trigger (SDK BlobClient) and a timer every 2 seconds."""

import sys
import time
import uuid
from pathlib import Path

import azure.functions as func
import azurefunctions.extensions.bindings.blob as blob

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from record import record

app = func.FunctionApp()


@app.blob_trigger(
    arg_name="client", path="dh-watched/{name}", connection="AzureWebJobsStorage",
    source=func.BlobSource.EVENT_GRID,
)  # fmt: skip
def watched(client: blob.BlobClient) -> None:
    record(
        f"blob/{client.blob_name}/{uuid.uuid4().hex}",
        type=type(client).__name__,
        content=client.download_blob().readall().decode(),
    )  # fmt: skip


# Azure monitors schedules of a minute or more by default; this one asks for it.
@app.timer_trigger(
    arg_name="timer", schedule="*/2 * * * * *", run_on_startup=False, use_monitor=True
)
def ticker(timer: func.TimerRequest) -> None:
    # named in time order: the test asks which tick came first after a restart
    record(f"timer/{time.time_ns():020d}-{uuid.uuid4().hex}", past_due=timer.past_due)


@app.blob_trigger(arg_name="stream", path="dh-plain/{name}", connection="AzureWebJobsStorage")
def plain(stream: func.InputStream) -> None:
    record(f"plain/{uuid.uuid4().hex}", path=stream.name, content=stream.read().decode())


@app.blob_trigger(arg_name="client", path="dh-bad/{name}", connection="AzureWebJobsStorage")
def always_fails(client: blob.BlobClient) -> None:
    record(f"bad/{client.blob_name}/{uuid.uuid4().hex}")
    raise ValueError("this blob function always fails")
