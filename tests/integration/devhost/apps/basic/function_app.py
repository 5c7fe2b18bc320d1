"""A test app for devhost: HTTP routes, queues (record, fail, slow) and a queue output."""

import json
import sys
import time
import uuid
from pathlib import Path

import azure.functions as func

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from record import record

app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)


@app.route(route="items/{id:int}", methods=["GET"])
def item_by_id(req: func.HttpRequest) -> str:
    return f"id={req.route_params['id']}"


@app.route(route="items/{name:alpha}", methods=["GET", "DELETE"])
def item_by_name(req: func.HttpRequest) -> str:
    return f"name={req.route_params['name']}"


@app.route(route="guid/{g:guid}", methods=["GET"])
def by_guid(req: func.HttpRequest) -> str:
    return f"guid={req.route_params['g']}"


@app.route(route="files/{*rest}", methods=["GET"])
def files(req: func.HttpRequest) -> str:
    return f"rest={req.route_params.get('rest', '')}"


@app.route(route="opt/{id?}", methods=["GET"])
def optional(req: func.HttpRequest) -> str:
    return f"opt={req.route_params.get('id', '-')}"


@app.route(route="echo/{kind}", methods=["POST", "PUT"])
def echo(req: func.HttpRequest) -> func.HttpResponse:
    body = {
        "method": req.method,
        "url": req.url,
        "kind": req.route_params["kind"],
        "params": dict(req.params),
        "header": req.headers.get("x-test"),
        "body": req.get_body().decode(),
    }
    return func.HttpResponse(
        json.dumps(body), status_code=201, mimetype="application/json", headers={"X-Echo": "1"}
    )


@app.route(route="enqueue", methods=["POST"])
@app.queue_output(arg_name="out", queue_name="dh-record", connection="AzureWebJobsStorage")
def enqueue(req: func.HttpRequest, out: func.Out[str]) -> str:
    out.set(req.get_body().decode())
    return "queued"


@app.queue_trigger(arg_name="msg", queue_name="dh-record", connection="AzureWebJobsStorage")
def record_queue(msg: func.QueueMessage) -> None:
    record(
        f"record/{msg.id}-{uuid.uuid4().hex}",
        id=msg.id, body=msg.get_body().decode("utf-8"), dequeue_count=msg.dequeue_count,
        pop_receipt=msg.pop_receipt, insertion_time=msg.insertion_time,
    )  # fmt: skip


@app.queue_trigger(arg_name="msg", queue_name="dh-fail", connection="AzureWebJobsStorage")
def always_fails(msg: func.QueueMessage) -> None:
    record(f"fail/{msg.id}-{msg.dequeue_count}", dequeue_count=msg.dequeue_count)
    raise RuntimeError("this function always fails")


@app.queue_trigger(arg_name="msg", queue_name="dh-slow", connection="AzureWebJobsStorage")
def slow(msg: func.QueueMessage) -> None:
    record(f"slow/{msg.id}-{uuid.uuid4().hex}", dequeue_count=msg.dequeue_count)
    time.sleep(float(msg.get_body().decode()))
