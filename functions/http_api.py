"""The HTTP API: one Functions HTTP trigger per route of `shared.api.routes.ROUTES`.

The table is the only place a route is declared, so every route registered here is also in
the OpenAPI document. Each function is reachable as an attribute of this module by its name
(`http_api.health`).
"""

from collections.abc import Callable

import azure.functions as func

from functions.http_adapter import serve, to_api_request, to_http_response
from shared.api.http import Caller, finish, request_id
from shared.api.routes import ROUTES, Route

bp = func.Blueprint()

Endpoint = Callable[[func.HttpRequest], func.HttpResponse]


def _register(route: Route) -> Endpoint:
    @bp.function_name(route.name)
    @bp.route(route=route.path, methods=[route.method])
    def endpoint(req: func.HttpRequest) -> func.HttpResponse:
        if not route.needs_storage:  # liveness: no settings, no storage
            request = to_api_request(req)
            answer = route.handler(None, request, Caller("", ""))  # type: ignore[arg-type]
            return to_http_response(finish(answer, request_id(request)))
        return serve(req, route.handler, authenticated=route.authenticated, scope=route.scope)

    return endpoint  # type: ignore[return-value]


endpoints: dict[str, Endpoint] = {route.name: _register(route) for route in ROUTES}


def __getattr__(name: str) -> Endpoint:
    try:
        return endpoints[name]
    except KeyError:
        raise AttributeError(name) from None
