import json

import orjson
from django.http import HttpRequest, HttpResponse
from pydantic import ValidationError

from ombud.cases.presenters import detail
from ombud.cases.selectors import load_case
from ombud.cases.schemas import CaseOut
from ombud.core.auth import actor_for
from ombud.core.errors import InvalidInput
from ombud.core.inputs import NUL, nul_error, too_deep

from . import services
from .schemas import BatchIn, BatchOut, CaseIn

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


def _validation_errors(exc, prefix=()):
    return [{"loc": [*prefix, *e["loc"]], "msg": e["msg"].removeprefix("Value error, "), "type": e["type"]}
            for e in exc.errors(include_url=False)]


def _load_json(body):
    try:
        return json.loads(body or b"null")
    except RecursionError:
        raise InvalidInput([too_deep()]) from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidInput([{"loc": ["body"], "msg": f"the body is not valid JSON: {exc}", "type": "json_invalid"}])


def _parse(request: HttpRequest):
    if (request.content_type or "").startswith("multipart/form-data"):
        raw = _load_json(request.POST.get("payload"))
        files = request.FILES.getlist("attachments")
    else:
        raw = _load_json(request.body)
        files = []
    if not isinstance(raw, dict):
        raise InvalidInput([{"loc": ["body"], "msg": "the body must be a JSON object", "type": "object_expected"}])
    try:
        return raw, CaseIn.model_validate(raw), files
    except ValidationError as exc:
        raise InvalidInput(_validation_errors(exc))


def create_case(request):
    actor = actor_for(request)
    if actor.role == "":
        from ombud.core import ratelimit

        ratelimit.filing(request)  # the public forms' limit, counted together with them
    raw, data, files = _parse(request)
    key = (request.headers.get("Idempotency-Key") or "").strip() or None
    if key and len(key) > 200:
        raise InvalidInput([{"loc": ["Idempotency-Key"], "msg": "at most 200 characters", "type": "too_long"}])
    if key and NUL in key:
        raise InvalidInput([nul_error("Idempotency-Key")])
    if data.language is None and getattr(request, "LANGUAGE_CODE", "") in ("zh-hans", "en"):
        data.language = request.LANGUAGE_CODE  # messages go out in the language the complainant used
    outcome = services.submit(data=data, actor=actor, idempotency_key=key, raw=raw, files=files)
    if outcome.events is not None:
        body = detail(outcome.case, actor, events=outcome.events)
    else:
        body = detail(load_case(outcome.case.ticket), actor)
    body["linked_ticket"] = outcome.linked.ticket if outcome.linked else body["linked_ticket"]
    return _json(body, 201 if outcome.created else 200)



BATCH_MAX = 500
BATCH_ROUTE = {"path": "/cases:batch", "response": BatchOut, "tags": ["intake"],
               "summary": f"Submit up to {BATCH_MAX} cases in one request",
               "description": "Each item is a CaseIn with an optional `idempotency_key`. Items are judged one by "
                              "one: a bad item gets its own 422 and the good ones are committed all the same."}


def create_batch(request, body: BatchIn):
    actor = actor_for(request)
    if len(body.cases) > BATCH_MAX:
        raise InvalidInput([{"loc": ["cases"], "msg": f"at most {BATCH_MAX} cases per batch", "type": "too_long"}])
    results, items, where = [None] * len(body.cases), [], []
    for i, raw in enumerate(body.cases):
        raw = dict(raw)
        key = raw.pop("idempotency_key", None)
        if key and NUL in str(key):
            results[i] = _item_error(i, [nul_error("idempotency_key")])
            continue
        try:
            items.append(services.BatchItem(CaseIn.model_validate(raw), raw, str(key)[:200] if key else None))
            where.append(i)
        except ValidationError as exc:
            results[i] = _item_error(i, _validation_errors(exc))
    for i, outcome in zip(where, services.submit_batch(items=items, actor=actor) if items else []):
        results[i] = _item_error(i, outcome.errors) if isinstance(outcome, InvalidInput) else _item_ok(i, outcome)
    return _json({"results": results, "created": sum(r["status"] == 201 for r in results),
                  "failed": sum(r["status"] == 422 for r in results)})


def _json(body, status=200):
    # The bodies are built to the documented schema here; skipping ninja's re-validation of
    # the response saves a measurable share of every intake (docs/benchmarks.md).
    return HttpResponse(orjson.dumps(body, default=str), status=status, content_type="application/json")


def _item_ok(i, outcome):
    case = outcome.case
    return {"index": i, "status": 201 if outcome.created else 200, "ticket": case.ticket,
            "authority": case.authority.code, "case_status": case.status,
            "rule_set": case.rule_set.label if case.rule_set else None, "incomplete": case.incomplete,
            "errors": []}


def _item_error(i, errors):
    return {"index": i, "status": 422, "ticket": None, "authority": None, "case_status": None, "rule_set": None,
            "incomplete": None, "errors": [{"field": ".".join(str(p) for p in e["loc"]), "message": e["msg"],
                                            "type": e.get("type", "invalid")} for e in errors]}
