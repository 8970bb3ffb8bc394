"""The versioned HTTP API. Errors always come back as JSON with a specific message, never a 500 page."""
import json
import logging

import orjson
from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from ninja import NinjaAPI
from ninja.errors import HttpError, ValidationError
from ninja.openapi.docs import Swagger, render_template
from ninja.parser import Parser
from ninja.renderers import BaseRenderer

from ombud.analytics.api import router as analytics_router
from ombud.businesses.api import router as businesses_router
from ombud.cases.api import router as cases_router
from ombud.core import apierrors
from ombud.core.errors import DomainError, InvalidInput, errors_body as _errors_body
from ombud.core.inputs import too_deep
from ombud.core.ratelimit import RateLimited
from ombud.disclosure.api import router as disclosure_router
from ombud.documents.api import router as documents_router
from ombud.intake import api as intake_api
from ombud.intake.schemas import CaseIn
from ombud.regions.api import router as regions_router
from ombud.workflow.api import action_bodies, router as workflow_router

log = logging.getLogger(__name__)


class ORJSONRenderer(BaseRenderer):
    media_type = "application/json"

    def render(self, request, data, *, response_status):
        return orjson.dumps(data, default=str)


class JSONParser(Parser):
    """ninja's JSON parser, saying what is wrong with a body in the error shape: ninja turns any failure here
    into a 400 (`http_error` below unwraps it), and JSON nested past the decoder's recursion limit is one."""

    def parse_body(self, request):
        try:
            return json.loads(request.body)
        except RecursionError:
            raise InvalidInput([too_deep()]) from None
        except (ValueError, UnicodeDecodeError) as exc:
            raise InvalidInput([{"loc": ["body"], "msg": f"the body is not valid JSON: {exc}",
                                 "type": "json_invalid"}]) from None


# Who may call: the Authorize button of /api/docs takes a key; a signed-in browser sends its session.
# The views check both themselves (ombud.core.auth.actor_for); the public may call without either.
SECURITY_SCHEMES = {
    "bearer": {"type": "http", "scheme": "bearer", "description":
               "An API key (`ombud apikey create`; the demo prints one): `Authorization: Bearer omb_…`. "
               "An integrator key sees only the cases it submitted."},
    "session": {"type": "apiKey", "in": "cookie", "name": "sessionid", "description":
                "A signed-in browser session (sign in at /accounts/login/ in this browser); writes also need "
                "the `X-CSRFToken` header, which this page sends."},
}


# Besides 500 and 503, which any operation may answer: what each one answers when it refuses, by
# (method, path after /api/v1). A route not listed gets 422 (its parameters are validated).
# 401: a bearer key that is invalid or revoked (only the routes that read the caller); 403 on a write
# includes a browser session's failed CSRF check; 413: a body over DATA_UPLOAD_MAX_MEMORY_SIZE.
ERROR_STATUSES = {
    ("get", "/cases"): (401, 422),
    ("post", "/cases"): (401, 403, 409, 413, 422, 429),
    ("get", "/cases/{ticket}"): (401, 404, 422, 429),
    ("post", "/cases:batch"): (400, 401, 403, 413, 422),
    ("post", "/cases/{ticket}/actions/{action}"): (401, 403, 404, 409, 413, 422),
    ("post", "/cases/{ticket}/documents/registration"): (401, 403, 404, 409, 422),
    ("get", "/cases/{ticket}/attachments/{sha256}"): (401, 404, 422),
    ("get", "/regions"): (422,),
    ("get", "/regions/resolve"): (422,),
    ("get", "/businesses"): (422,),
    ("get", "/stats/{figure}"): (400, 401, 403, 404, 422),
    ("get", "/public/complaints"): (400, 422, 429),
    ("get", "/public/complaints/trends"): (400, 422, 429),
    ("get", "/public/complaints/export"): (400, 422, 429),
    ("get", "/public/complaints/{complaint_id}"): (404, 422, 429),
}
# Who may call, where it is not the API-wide rule (a key, a session, or the public): reference data and the
# public complaint database need neither; statistics and registration forms are for staff only.
PUBLIC, STAFF = [{}], [{"bearer": []}, {"session": []}]
SECURITY = {("get", "/regions"): PUBLIC, ("get", "/regions/resolve"): PUBLIC, ("get", "/businesses"): PUBLIC,
            ("get", "/public/complaints"): PUBLIC, ("get", "/public/complaints/trends"): PUBLIC,
            ("get", "/public/complaints/export"): PUBLIC, ("get", "/public/complaints/{complaint_id}"): PUBLIC,
            ("get", "/stats/{figure}"): STAFF, ("post", "/cases/{ticket}/documents/registration"): STAFF}


class OmbudAPI(NinjaAPI):
    def get_openapi_schema(self, *args, **kwargs):
        schema = super().get_openapi_schema(*args, **kwargs)
        body = CaseIn.model_json_schema(ref_template="#/components/schemas/{model}")
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components.update(body.pop("$defs", {}))
        components["CaseIn"] = body
        components.update(action_bodies()[1])
        schema["components"]["securitySchemes"] = SECURITY_SCHEMES
        schema["security"] = [{"bearer": []}, {"session": []}, {}]  # {}: the public, for tracking and filing
        prefix = kwargs.get("path_prefix")
        prefix = (self.get_root_path(kwargs.get("path_params") or {}) if prefix is None else prefix).rstrip("/")

        def route(path):
            return path.removeprefix(prefix) if path.startswith(prefix) else path

        return apierrors.document(schema, lambda method, path: ERROR_STATUSES.get((method, route(path)), (422,)),
                                  lambda method, path: SECURITY.get((method, route(path))))


class _Swagger(Swagger):
    """Swagger UI that sends the CSRF token, so a signed-in browser can try the writes too (ninja adds it
    only for its own session auth, which these views do not use)."""

    def render_page(self, request, api, **kwargs):
        self.settings["url"] = self.get_openapi_url(api, kwargs)
        context = {"swagger_settings": json.dumps(self.settings, indent=1), "api": api, "add_csrf": True}
        return render_template(request, self.template, self.template_cdn, context)


api = OmbudAPI(title="Ombud API", version="1", urls_namespace="api-v1", renderer=ORJSONRenderer(),
               parser=JSONParser(),
               docs=_Swagger(settings={"persistAuthorization": True}),
               docs_url="/docs",
               description="Complaints, reports and consultations. Routes are versioned: /api/v1/…\n\n"
               "Authorize with an API key (bearer) or use this browser's session. An integrator key sees only "
               "the cases it submitted; staff see their authority's subtree; the public tracks a case with its "
               "ticket and phone number.")
cases_router.post(**intake_api.BATCH_ROUTE)(intake_api.create_batch)
cases_router.post(**intake_api.ROUTE, openapi_extra=intake_api.BODY_DOC)(intake_api.create_case)
api.add_router("/", cases_router)
api.add_router("/", regions_router)
api.add_router("/", businesses_router)
api.add_router("/", workflow_router)
api.add_router("/", documents_router)
api.add_router("/", analytics_router)
api.add_router("/", disclosure_router)




@api.exception_handler(InvalidInput)
def invalid_input(request, exc):
    return api.create_response(request, _errors_body(exc.errors), status=422)


@api.exception_handler(ValidationError)
def ninja_validation(request, exc):
    errors = [{"loc": e.get("loc", []), "msg": str(e.get("msg", "")).removeprefix("Value error, "),
               "type": e.get("type", "invalid")} for e in exc.errors]
    return api.create_response(request, _errors_body(errors), status=422)


@api.exception_handler(RateLimited)
def rate_limited(request, exc):
    response = api.create_response(request, {"detail": str(exc), "retry_after": exc.retry_after}, status=429)
    response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(DomainError)
def domain_error(request, exc):
    body = {"detail": exc.message, **({"field": exc.field} if exc.field else {}), **exc.extra}
    return api.create_response(request, body, status=exc.status)


@api.exception_handler(HttpError)
def http_error(request, exc):
    if isinstance(exc.__cause__, InvalidInput):  # a body JSONParser could not read: say why, naming the body
        return api.create_response(request, _errors_body(exc.__cause__.errors), status=exc.status_code)
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)


@api.exception_handler(Exception)
def unexpected(request, exc):
    # A database restarting is a 503 with Retry-After; anything else a 500 that names a logged reference.
    # Never ninja's default (a traceback in DEBUG, Django's HTML page otherwise).
    status, body, headers = apierrors.error_answer(request, exc)
    response = api.create_response(request, body, status=status)
    for name, value in headers.items():
        response[name] = value
    return response


@api.exception_handler(RequestDataTooBig)
def too_big(request, exc):
    # Django would answer its HTML 400 page; an integrator gets the error shape, naming the body.
    return api.create_response(request, _errors_body([{
        "loc": ["body"], "type": "too_large",
        "msg": f"the body is larger than {settings.DATA_UPLOAD_MAX_MEMORY_SIZE} bytes"}]), status=413)
