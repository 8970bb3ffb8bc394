import json

from django.http import HttpRequest
from ninja import Status
from pydantic import ValidationError

from ombud.cases.presenters import detail
from ombud.cases.selectors import load_case
from ombud.cases.schemas import CaseOut
from ombud.core.auth import actor_for
from ombud.core.errors import InvalidInput

from . import services
from .schemas import CaseIn

# POST /cases shares its path with GET /cases, so ombud/api.py mounts it on the cases router.
ROUTE = {"path": "/cases", "response": {200: CaseOut, 201: CaseOut}, "tags": ["intake"],
         "summary": "Submit a complaint, report or consultation"}

BODY_DOC = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/CaseIn"}},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "payload": {"type": "string", "description": "the CaseIn object as JSON"},
                        "attachments": {"type": "array", "items": {"type": "string", "format": "binary"}},
                    },
                    "required": ["payload"],
                }
            },
        },
    },
    "parameters": [{
        "in": "header", "name": "Idempotency-Key", "required": False, "schema": {"type": "string", "maxLength": 200},
        "description": "a retry with the same key returns the same case with 200 and creates nothing",
    }],
}


def _parse(request: HttpRequest):
    ctype = request.content_type or ""
    try:
        if ctype.startswith("multipart/form-data"):
            raw = json.loads(request.POST.get("payload") or "null")
            files = request.FILES.getlist("attachments")
        else:
            raw = json.loads(request.body or b"null")
            files = []
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidInput([{"loc": ["body"], "msg": f"the body is not valid JSON: {exc}", "type": "json_invalid"}])
    if not isinstance(raw, dict):
        raise InvalidInput([{"loc": ["body"], "msg": "the body must be a JSON object", "type": "object_expected"}])
    try:
        return raw, CaseIn.model_validate(raw), files
    except ValidationError as exc:
        raise InvalidInput([
            {"loc": list(e["loc"]), "msg": e["msg"].removeprefix("Value error, "), "type": e["type"]}
            for e in exc.errors(include_url=False)
        ])


def create_case(request):
    actor = actor_for(request)
    raw, data, files = _parse(request)
    key = (request.headers.get("Idempotency-Key") or "").strip() or None
    if key and len(key) > 200:
        raise InvalidInput([{"loc": ["Idempotency-Key"], "msg": "at most 200 characters", "type": "too_long"}])
    outcome = services.submit(data=data, actor=actor, idempotency_key=key, raw=raw, files=files)
    if outcome.events is not None:
        body = detail(outcome.case, actor, events=outcome.events)
    else:
        body = detail(load_case(outcome.case.ticket), actor)
    body["linked_ticket"] = outcome.linked.ticket if outcome.linked else body["linked_ticket"]
    return Status(201 if outcome.created else 200, body)

