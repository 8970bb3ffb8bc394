"""The versioned HTTP API. Errors always come back as JSON with a specific message, never a 500 page."""
import logging

import orjson
from ninja import NinjaAPI
from ninja.errors import HttpError, ValidationError
from ninja.renderers import BaseRenderer

from ombud.businesses.api import router as businesses_router
from ombud.cases.api import router as cases_router
from ombud.core.errors import DomainError, InvalidInput
from ombud.documents.api import router as documents_router
from ombud.intake import api as intake_api
from ombud.intake.schemas import CaseIn
from ombud.regions.api import router as regions_router
from ombud.workflow.api import router as workflow_router

log = logging.getLogger(__name__)


class ORJSONRenderer(BaseRenderer):
    media_type = "application/json"

    def render(self, request, data, *, response_status):
        return orjson.dumps(data, default=str)


class OmbudAPI(NinjaAPI):
    def get_openapi_schema(self, *args, **kwargs):
        schema = super().get_openapi_schema(*args, **kwargs)
        body = CaseIn.model_json_schema(ref_template="#/components/schemas/{model}")
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components.update(body.pop("$defs", {}))
        components["CaseIn"] = body
        return schema


api = OmbudAPI(title="Ombud API", version="1", urls_namespace="api-v1", renderer=ORJSONRenderer(),
               docs_url="/docs", description="Complaints, reports and consultations. Routes are versioned: /api/v1/…")
cases_router.post(**intake_api.BATCH_ROUTE)(intake_api.create_batch)
cases_router.post(**intake_api.ROUTE, openapi_extra=intake_api.BODY_DOC)(intake_api.create_case)
api.add_router("/", cases_router)
api.add_router("/", regions_router)
api.add_router("/", businesses_router)
api.add_router("/", workflow_router)
api.add_router("/", documents_router)


def _field(loc):
    parts = [str(p) for p in loc if p not in ("body", "payload", "query", "path")]
    return ".".join(parts) or "body"


def _errors_body(errors):
    return {
        "detail": "the request has errors; nothing was saved",
        "errors": [{"field": _field(e["loc"]), "message": e["msg"], "type": e.get("type", "invalid")} for e in errors],
    }


@api.exception_handler(InvalidInput)
def invalid_input(request, exc):
    return api.create_response(request, _errors_body(exc.errors), status=422)


@api.exception_handler(ValidationError)
def ninja_validation(request, exc):
    errors = [{"loc": e.get("loc", []), "msg": str(e.get("msg", "")).removeprefix("Value error, "),
               "type": e.get("type", "invalid")} for e in exc.errors]
    return api.create_response(request, _errors_body(errors), status=422)


@api.exception_handler(DomainError)
def domain_error(request, exc):
    body = {"detail": exc.message, **({"field": exc.field} if exc.field else {}), **exc.extra}
    return api.create_response(request, body, status=exc.status)


@api.exception_handler(HttpError)
def http_error(request, exc):
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)
