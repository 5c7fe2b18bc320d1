"""A test app for devhost: a plain WSGI application behind func.WsgiFunctionApp."""

import json

import azure.functions as func


def wsgi(environ, start_response):
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = {
        "path": environ["PATH_INFO"],
        "method": environ["REQUEST_METHOD"],
        "body": environ["wsgi.input"].read(length).decode(),
    }
    start_response("200 OK", [("Content-Type", "application/json")])
    return [json.dumps(body).encode()]


app = func.WsgiFunctionApp(app=wsgi, http_auth_level=func.AuthLevel.ANONYMOUS)
