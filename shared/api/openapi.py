"""The OpenAPI 3.1 document, generated from the route table and its pydantic models."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from processors.registry import all_tools

if TYPE_CHECKING:
    from shared.api.routes import Route

__all__ = ["document"]

_ERROR = {
    "type": "object",
    "properties": {
        "error": {"type": "string"},
        "details": {},
        "code": {"type": "string"},
    },
    "required": ["error", "code"],
}


def _schema(model: type[BaseModel]) -> dict[str, Any]:
    return dict(model.model_json_schema(by_alias=True, ref_template="#/components/schemas/{model}"))


_ERROR_REF = "Error"


def _content(model: type[BaseModel] | str | None) -> dict[str, Any]:
    """A JSON body: a component by model or name, or any object."""
    name = model if isinstance(model, str) else model.__name__ if model else None
    schema = {"$ref": f"#/components/schemas/{name}"} if name else {"type": "object"}
    return {"content": {"application/json": {"schema": schema}}}


def _path_schema(name: str) -> dict[str, Any]:
    if name == "tool":
        return {"type": "string", "enum": [tool.name for tool in all_tools()]}
    if name == "id":
        return {"type": "string", "format": "uuid"}
    return {"type": "string"}


def _errors(route: Route) -> dict[int, str]:
    """The 4xx/5xx answers a route can give, from what it takes (listed, not just `default`,
    so clients and schema checkers know them)."""
    errors: dict[int, str] = {}
    if route.body != "none" or route.name == "list_executions":
        errors[400] = "Bad request: invalid JSON, body, parameters or query (`code` says which)"
    if route.authenticated:
        errors[401] = "No key, or an unknown or revoked key"
    if route.path_params:
        errors[404] = "Unknown tool, or no such execution for this key's tenant"
    if route.name == "execution_download":
        errors[410] = "The output has expired"
    if route.name in ("create_upload", "convert", "run_tool"):
        errors[413] = "A file is over the tool's or the global size limit"
        errors[415] = "A file type the tool does not accept"
    if route.authenticated:
        errors[429] = "Too many requests or too many wrong keys (see Retry-After)"
    if route.needs_storage:
        errors[503] = "Storage is unavailable or the app is not configured"
    return errors


def _operation(route: Route, schemas: dict[str, Any]) -> dict[str, Any]:
    for model in (route.request_model, route.response_model):
        if model is not None and model.__name__ not in schemas:
            schema = _schema(model)
            schemas.update(schema.pop("$defs", {}))
            schemas[model.__name__] = schema
    parameters: list[dict[str, Any]] = [
        {"name": name, "in": "path", "required": True, "schema": _path_schema(name)}
        for name in route.path_params
    ]
    parameters += [
        {"name": name, "in": "query", "required": False, "schema": {"type": "string"}}
        for name in route.query
    ]
    success: dict[str, Any] = {"description": route.summary}
    if route.success not in (204, 302):
        success.update(_content(route.response_model))
    operation: dict[str, Any] = {
        "operationId": route.name,
        "summary": route.summary,
        "parameters": parameters,
        "responses": {
            str(route.success): success,
            **{
                str(status): {"description": reason, **_content(_ERROR_REF)}
                for status, reason in _errors(route).items()
            },
            "default": {"description": "An error", **_content(_ERROR_REF)},
        },
    }
    if not route.authenticated:
        operation["security"] = []
    if route.body == "json":
        operation["requestBody"] = {"required": True, **_content(route.request_model)}
    elif route.body == "multipart":
        operation["requestBody"] = {
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "properties": {
                            "file": {"type": "string", "format": "binary"},
                            "parameters": {"type": "string", "description": "a JSON object"},
                        },
                        # /run/ also serves tools without a file
                        "required": ["file"] if route.name == "convert" else [],
                    }
                }
            },
        }
    return operation


def document(routes: Iterable[Route], *, api_base: str) -> dict[str, Any]:
    schemas: dict[str, Any] = {"Error": _ERROR}
    paths: dict[str, dict[str, Any]] = {}
    for route in routes:
        paths.setdefault(f"/{route.path}", {})[route.method.lower()] = _operation(route, schemas)
    return {
        "openapi": "3.1.0",
        "info": {"title": "MagicToolbox API", "version": "1.0"},
        "servers": [{"url": api_base}],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "apiKey": {"type": "apiKey", "in": "header", "name": "X-API-Key"},
                "bearer": {"type": "http", "scheme": "bearer"},
            },
        },
        "security": [{"apiKey": []}, {"bearer": []}],
    }
