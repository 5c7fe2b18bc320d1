"""A test app for devhost: input bindings, context, outputs, expressions, Azure's strictness.

Settings it needs (the tests set them): DHB_QUEUE (a queue name), DHB_TABLE (a table
name), DhbStorage (a second connection name; the same Azurite).
"""

import json
import sys
import uuid
from pathlib import Path

import azure.functions as func
import azurefunctions.extensions.bindings.blob as blob

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from record import record

app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)


@app.route(route="text/{name}", methods=["GET"])
@app.blob_input(arg_name="text", path="dhb-in/{name}", connection="DhbStorage")
def read_text(req: func.HttpRequest, text: str) -> func.HttpResponse:
    if text is None:
        return func.HttpResponse("no such blob", status_code=404)
    return func.HttpResponse(f"{type(text).__name__}:{text}")


@app.route(route="raw/{name}", methods=["GET"])
@app.blob_input(
    arg_name="data", path="dhb-in/{name}", connection="AzureWebJobsStorage",
    data_type=func.DataType.BINARY,
)  # fmt: skip
def read_raw(req: func.HttpRequest, data) -> str:  # no annotation: data_type decides
    return f"{type(data).__name__}:{len(data)}"


@app.route(route="stream/{name}", methods=["GET"])
@app.blob_input(arg_name="stream", path="dhb-in/{name}", connection="AzureWebJobsStorage")
def read_stream(req: func.HttpRequest, stream: func.InputStream) -> func.HttpResponse:
    body = {"name": stream.name, "length": stream.length, "content": stream.read().decode()}
    return func.HttpResponse(json.dumps(body), mimetype="application/json")


@app.route(route="sdk/{name}", methods=["GET"])
@app.blob_input(arg_name="client", path="dhb-in/{name}", connection="AzureWebJobsStorage")
@app.blob_input(arg_name="container", path="dhb-in", connection="AzureWebJobsStorage")
def read_sdk(
    req: func.HttpRequest, client: blob.BlobClient, container: blob.ContainerClient
) -> func.HttpResponse:
    body = {
        "client": type(client).__name__,
        "content": client.download_blob().readall().decode(),
        "container": type(container).__name__,
        "listed": req.route_params["name"] in [b.name for b in container.list_blobs()],
    }
    return func.HttpResponse(json.dumps(body), mimetype="application/json")


@app.route(route="entity/{pk}/{rk}", methods=["GET"])
@app.table_input(
    arg_name="entity", table_name="%DHB_TABLE%", partition_key="{pk}", row_key="{rk}",
    connection="AzureWebJobsStorage",
)  # fmt: skip
def read_entity(req: func.HttpRequest, entity: str) -> func.HttpResponse:
    if entity is None:
        return func.HttpResponse("no such entity", status_code=404)
    return func.HttpResponse(entity, mimetype="application/json")


@app.route(route="entities/{pk}", methods=["GET"])
@app.table_input(
    arg_name="rows", table_name="%DHB_TABLE%", partition_key="{pk}", filter="Size gt 1",
    take=2, connection="AzureWebJobsStorage",
)  # fmt: skip
def read_entities(req: func.HttpRequest, rows: str) -> func.HttpResponse:
    return func.HttpResponse(rows, mimetype="application/json")


@app.route(route="entities/{pk}/{rk}", methods=["POST"])
@app.table_output(
    arg_name="row", table_name="%DHB_TABLE%", partition_key="{pk}", row_key="{rk}",
    connection="AzureWebJobsStorage",
)  # fmt: skip
def write_entity(req: func.HttpRequest, row: func.Out[str]) -> func.HttpResponse:
    row.set(req.get_body().decode())
    return func.HttpResponse(status_code=201)


@app.route(route="context", methods=["GET"])
def with_context(req: func.HttpRequest, context: func.Context) -> func.HttpResponse:
    body = {
        "invocation_id": context.invocation_id,
        "function_name": context.function_name,
        "function_directory": context.function_directory,
        "trace_parent": context.trace_context.trace_parent,
        "retry_count": context.retry_context.retry_count,
    }
    return func.HttpResponse(json.dumps(body), mimetype="application/json")


@app.route(route="nothing", methods=["GET"])
def returns_none(req: func.HttpRequest) -> func.HttpResponse:
    return None  # type: ignore[return-value]  # what the test is about


@app.route(route="annotated-none", methods=["GET"])
def annotated_none(req: func.HttpRequest) -> None:
    """The worker refuses to load an HTTP function annotated to return None."""


@app.route(route="mistyped/{name}", methods=["GET"])
@app.blob_input(arg_name="data", path="dhb-in/{name}", connection="AzureWebJobsStorage")
def mistyped(req: func.HttpRequest, data: int) -> str:
    return str(data)


@app.route(route="cookies", methods=["GET"])
def cookies(req: func.HttpRequest) -> func.HttpResponse:
    response = func.HttpResponse("two cookies")
    response.headers.add("Set-Cookie", "first=1; Path=/")
    response.headers.add("Set-Cookie", "second=2; Path=/; HttpOnly")
    return response


@app.route(route="send/{run}", methods=["POST"], binding_arg_name="resp")
@app.queue_output(arg_name="$return", queue_name="%DHB_QUEUE%", connection="DhbStorage")
@app.blob_output(
    arg_name="copy", path="dhb-new-{run}/{rand-guid}.txt", connection="AzureWebJobsStorage"
)
def send(
    req: func.HttpRequest, resp: func.Out[func.HttpResponse], copy: func.Out[bytes]
) -> func.QueueMessage:
    copy.set(req.get_body())
    resp.set(func.HttpResponse("sent", status_code=202))
    return func.QueueMessage(body=req.get_body())


@app.route(route="send-bytes", methods=["POST"])
@app.queue_output(arg_name="out", queue_name="dhb-bytes-{Query.tag}", connection="DhbStorage")
def send_bytes(req: func.HttpRequest, out: func.Out[bytes]) -> str:
    out.set(bytearray(req.get_body()))
    return "sent"


@app.queue_trigger(arg_name="text", queue_name="%DHB_QUEUE%", connection="DhbStorage")
@app.blob_output(arg_name="out", path="results/dhb/{key}.json", connection="AzureWebJobsStorage")
def on_message(text: str, out: func.Out[str]) -> None:
    # {key} is a property of the JSON message: a binding expression.
    out.set(json.dumps({"type": type(text).__name__, "text": text}))


@app.queue_trigger(arg_name="msg", queue_name="dhb-bytes-b64", connection="AzureWebJobsStorage")
def on_bytes(msg: func.QueueMessage) -> None:
    record(f"dhb-bytes/{msg.id}", body=msg.get_body().decode(), count=msg.dequeue_count)


@app.timer_trigger(arg_name="timer", schedule="0 0 0 1 1 *", use_monitor=True)
def monitored(timer: func.TimerRequest) -> None:
    record("dhb-timer/monitored", past_due=timer.past_due)


@app.timer_trigger(arg_name="timer", schedule="0 0 0 1 1 *", use_monitor=False)
def unmonitored(timer: func.TimerRequest) -> None:
    record("dhb-timer/unmonitored", past_due=timer.past_due)


@app.blob_trigger(
    arg_name="stream", path="dhb-grid/{name}", connection="AzureWebJobsStorage",
    source=func.BlobSource.EVENT_GRID,
)  # fmt: skip
def grid(stream: func.InputStream) -> None:
    record(
        f"{stream.name}/{uuid.uuid4().hex}",
        path=stream.name, content=stream.read().decode(), metadata=stream.metadata,
        content_type=(stream.blob_properties or {}).get("ContentType"),
        length=(stream.blob_properties or {}).get("ContentLength"),
    )  # fmt: skip


@app.queue_trigger(arg_name="msg", queue_name="dhb-never", connection="AzureWebJobsStorage")
def unbound(msg: func.QueueMessage, name: str) -> None:
    raise AssertionError("the worker refuses a parameter that no binding fills")


@app.service_bus_queue_trigger(arg_name="msg", queue_name="orders", connection="ServiceBus")
def not_emulated(msg: func.ServiceBusMessage) -> None:
    raise AssertionError("devhost must not run a Service Bus trigger")
