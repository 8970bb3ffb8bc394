"""Errors on /api/ are JSON in the API's error shape, whatever went wrong and wherever it went wrong.

- A database that cannot be reached (PostgreSQL restarting, a connection dropped): 503 with Retry-After and
  `retry_after`; the request's transaction did not commit, so a retry is safe (a submission may carry an
  Idempotency-Key).
- Anything unexpected: 500 with `{"detail", "reference"}`; the traceback goes to the log under that
  reference, never into the answer.

Three places apply it: the NinjaAPI's handler for Exception (ombud/api.py), ApiErrorsMiddleware for views
outside ninja (its schema and docs) and any HTML error page under /api/, and handler500 for an exception in
a middleware (ombud.core.views.server_error).

The schemas at the end publish these shapes in the OpenAPI document, status by status.
"""
import logging
import uuid

from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.db import InterfaceError, OperationalError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext_noop
from ninja import Schema

log = logging.getLogger("ombud.api")

API_PREFIX = "/api/"
RETRY_AFTER = 10  # seconds: a PostgreSQL restart or failover is usually over by then

# psycopg raises its own when it is used directly (Django wraps what goes through its cursors).
try:
    import psycopg
except ImportError:  # pragma: no cover - SQLite-only installs
    DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
else:
    DATABASE_UNAVAILABLE = (OperationalError, InterfaceError, psycopg.OperationalError, psycopg.InterfaceError)

# The API speaks English (integrators match on it); the texts are marked for the translators all the same.
UNAVAILABLE = gettext_noop("the database is unavailable for a moment; nothing was saved, try again shortly")
INTERNAL = gettext_noop("an unexpected error; it has been logged under this reference")
BY_STATUS = {
    400: gettext_noop("bad request"),
    401: gettext_noop("not authenticated"),
    403: gettext_noop("forbidden"),
    404: gettext_noop("not found"),
    405: gettext_noop("method not allowed"),
    413: gettext_noop("the request is too large"),
}

REFUSALS = [(Http404, 404), (PermissionDenied, 403), ((SuspiciousOperation, BadRequest), 400)]


def is_api(request):
    return request.path.startswith(API_PREFIX)


def unavailable_body():
    return {"detail": UNAVAILABLE, "retry_after": RETRY_AFTER}


def error_answer(request, exc, *, logged=False):
    """(status, body, headers) for an exception nothing else handled, and its log line with the traceback
    (`logged`: Django has logged the traceback already, the line only names the reference)."""
    trace = None if logged or exc is None else (type(exc), exc, exc.__traceback__)
    for kinds, status in REFUSALS:  # what Django itself would answer with a 4xx page
        if isinstance(exc, kinds):
            return status, {"detail": BY_STATUS[status]}, {}
    if isinstance(exc, DATABASE_UNAVAILABLE):
        log.warning("database unavailable on %s %s: %s", request.method, request.path, exc, exc_info=trace)
        return 503, unavailable_body(), {"Retry-After": str(RETRY_AFTER)}
    reference = uuid.uuid4().hex[:12]
    log.error("unexpected error on %s %s (reference %s)", request.method, request.path, reference, exc_info=trace)
    return 500, {"detail": INTERNAL, "reference": reference}, {}


def json_error(request, exc):
    status, body, headers = error_answer(request, exc)
    response = JsonResponse(body, status=status)
    for name, value in headers.items():
        response[name] = value
    return response


def body_for_status(status):
    """The error body for an error page Django rendered under /api/ (a 404 of an unknown route, say)."""
    if status == 503:
        return unavailable_body()
    if status >= 500:
        return {"detail": INTERNAL, "reference": uuid.uuid4().hex[:12]}
    return {"detail": BY_STATUS.get(status, BY_STATUS[400])}


# ---- the published shapes -------------------------------------------------------------------------------


class FieldErrorOut(Schema):
    field: str
    message: str
    type: str


class ErrorOut(Schema):
    """The error shape: `detail` always; `field` when one field is at fault."""

    detail: str
    field: str | None = None


class BadRequestOut(Schema):
    """A request that could not be read (400): `errors` names each part at fault when it can."""

    detail: str
    errors: list[FieldErrorOut] | None = None


class InvalidOut(Schema):
    """Input refused (422, and 413 for a body too large): one entry per field at fault; nothing was saved."""

    detail: str
    errors: list[FieldErrorOut]


class ConflictOut(Schema):
    """A rule of the domain forbids the operation now (409). An action not possible in the case's state
    adds the `state` and the `allowed_actions`."""

    detail: str
    field: str | None = None
    state: str | None = None
    allowed_actions: list[str] | None = None


class RetryOut(Schema):
    """Try again after `retry_after` seconds (also in the Retry-After header): 429 too many requests,
    503 the database unavailable for a moment."""

    detail: str
    retry_after: int | None = None


class InternalErrorOut(Schema):
    """An unexpected error (500): no traceback, a `reference` to quote, under which it was logged."""

    detail: str
    reference: str


SCHEMAS = {400: BadRequestOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ConflictOut, 413: InvalidOut,
           422: InvalidOut, 429: RetryOut, 500: InternalErrorOut, 503: RetryOut}

DESCRIPTIONS = {
    400: "The request could not be read (a body that is not JSON, a query that does not parse).",
    401: "The bearer key is invalid or revoked.",
    403: "This caller may not do this (its role, or a failed CSRF check of a browser session).",
    404: "No such resource in the caller's scope.",
    409: "Not possible now (the case's state, a conflicting record).",
    413: "The body is larger than the limit.",
    422: "The input was refused, field by field; nothing was saved.",
    429: "Too many requests; see Retry-After.",
    500: "An unexpected error, logged under `reference`.",
    503: "The database is unavailable for a moment; nothing was saved. See Retry-After.",
}
RETRY_HEADER = {"Retry-After": {"description": "seconds to wait before trying again",
                                "schema": {"type": "integer"}}}


def document(schema, statuses_for, security_for=None):
    """Add the error answers (and each operation's security, where it differs) to an OpenAPI `schema`.
    `statuses_for(method, path)` gives the statuses besides 500 and 503, which every operation may answer."""
    ref = "#/components/schemas/{model}"
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    for model in set(SCHEMAS.values()):
        body = model.model_json_schema(ref_template=ref)
        components.update(body.pop("$defs", {}))
        components[model.__name__] = body
    for path, operations in schema.get("paths", {}).items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            for status in sorted({*statuses_for(method, path), 500, 503}):
                answer = {"description": DESCRIPTIONS[status],
                          "content": {"application/json": {"schema": {"$ref": ref.format(model=SCHEMAS[status].__name__)}}}}
                if status in (429, 503):
                    answer["headers"] = RETRY_HEADER
                responses.setdefault(status, answer)
            security = security_for(method, path) if security_for else None
            if security is not None:
                operation["security"] = security
    return schema
