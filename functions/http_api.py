"""The HTTP API: routes exactly as ARCHITECTURE.md; each handler lives in shared/."""

import azure.functions as func

from functions.http_adapter import form_parameters, multipart_file, serve
from shared import api_executions, api_meta, api_tools
from shared.context import Services
from shared.errors import BadRequestError
from shared.http import ApiRequest, ApiResponse, Caller
from shared.sync_run import run_sync

bp = func.Blueprint()


@bp.function_name("health")
@bp.route(route="health", methods=["GET"])
def health(req: func.HttpRequest) -> func.HttpResponse:
    # No storage, no settings: liveness only.
    return func.HttpResponse('{"status": "healthy"}', mimetype="application/json")


@bp.function_name("ready")
@bp.route(route="ready", methods=["GET"])
def ready(req: func.HttpRequest) -> func.HttpResponse:
    return serve(req, api_meta.ready, authenticated=False)


@bp.function_name("openapi")
@bp.route(route="v1/openapi.json", methods=["GET"])
def openapi(req: func.HttpRequest) -> func.HttpResponse:
    return serve(req, api_meta.openapi, authenticated=False)


@bp.function_name("list_tools")
@bp.route(route="v1/tools/", methods=["GET"])
def list_tools(req: func.HttpRequest) -> func.HttpResponse:
    return serve(req, api_tools.catalog, authenticated=False)


@bp.function_name("create_upload")
@bp.route(route="v1/tools/{tool}/uploads/", methods=["POST"])
def create_upload(req: func.HttpRequest) -> func.HttpResponse:
    return serve(req, api_tools.create_upload)


@bp.function_name("convert")
@bp.route(route="v1/tools/{tool}/convert/", methods=["POST"])
def convert(req: func.HttpRequest) -> func.HttpResponse:
    def handler(services: Services, request: ApiRequest, caller: Caller) -> ApiResponse:
        file = multipart_file(req)
        if file is None:
            raise BadRequestError("Send the file as multipart/form-data field `file`")
        raw = req.form.get("parameters")
        return api_tools.convert(
            services, request, caller, filename=file[0], data=file[1], raw_parameters=raw
        )

    return serve(req, handler)


@bp.function_name("create_job")
@bp.route(route="v1/tools/{tool}/jobs/", methods=["POST"])
def create_job(req: func.HttpRequest) -> func.HttpResponse:
    return serve(req, api_tools.create_job)


@bp.function_name("run_tool")
@bp.route(route="v1/tools/{tool}/run/", methods=["POST"])
def run_tool(req: func.HttpRequest) -> func.HttpResponse:
    def handler(services: Services, request: ApiRequest, caller: Caller) -> ApiResponse:
        return run_sync(
            services, request, caller, file=multipart_file(req), raw_parameters=form_parameters(req)
        )

    return serve(req, handler)


@bp.function_name("list_executions")
@bp.route(route="v1/executions/", methods=["GET"])
def list_executions(req: func.HttpRequest) -> func.HttpResponse:
    return serve(req, api_executions.history)


@bp.function_name("bulk_delete_executions")
@bp.route(route="v1/executions/bulk-delete/", methods=["POST"])
def bulk_delete_executions(req: func.HttpRequest) -> func.HttpResponse:
    return serve(req, api_executions.bulk_delete)


@bp.function_name("execution_status")
@bp.route(route="v1/executions/{id}/status/", methods=["GET"])
def execution_status(req: func.HttpRequest) -> func.HttpResponse:
    return serve(req, api_executions.status)


@bp.function_name("execution_download")
@bp.route(route="v1/executions/{id}/download/", methods=["GET"])
def execution_download(req: func.HttpRequest) -> func.HttpResponse:
    return serve(req, api_executions.download)


@bp.function_name("delete_execution")
@bp.route(route="v1/executions/{id}/", methods=["DELETE"])
def delete_execution(req: func.HttpRequest) -> func.HttpResponse:
    return serve(req, api_executions.delete)
