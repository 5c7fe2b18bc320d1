"""A test app for devhost: an ASGI application (Starlette) behind func.AsgiFunctionApp."""

import azure.functions as func
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route


async def hello(request: Request) -> JSONResponse:
    body = await request.body()
    return JSONResponse(
        {"path": request.url.path, "who": request.path_params["who"], "body": body.decode()}
    )


asgi = Starlette(routes=[Route("/api/hello/{who}", hello, methods=["GET", "POST"])])
app = func.AsgiFunctionApp(app=asgi, http_auth_level=func.AuthLevel.ANONYMOUS)
