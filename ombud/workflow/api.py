"""POST /api/v1/cases/{ticket}/actions/{action}: every transition of every state machine."""
import json

from ninja import Router

from ombud.cases import selectors as cases
from ombud.cases.presenters import detail
from ombud.cases.schemas import CaseOut
from ombud.core.auth import actor_for
from ombud.core.errors import InvalidInput
from ombud.core.inputs import too_deep

from . import machine, services

router = Router(tags=["workflow"])


def _actions_doc():
    rows = []
    for t in machine.table():
        kinds = "/".join(sorted(t.kinds))
        rows.append(f"| `{t.action}` | {kinds} | {', '.join(sorted(t.sources))} | {t.target or '(same)'} | "
                    f"{', '.join(sorted(t.roles))} | `{t.cite}` | {', '.join(t.schema.model_fields) or '—'} |")
    return ("Take one step of the statutory procedure. The body carries the action's fields.\n\n"
            "An action not possible now answers **409** with `state` and `allowed_actions`; a role that may not "
            "take it answers 403; bad fields answer 422, naming each.\n\n"
            "| action | kinds | from | to | roles | citation | fields |\n|---|---|---|---|---|---|---|\n"
            + "\n".join(rows))


def action_bodies(ref_template="#/components/schemas/{model}"):
    """The action endpoint's request body: one of the actions' body schemas (each names its actions),
    and those schemas as components. The action is in the path, so the body cannot discriminate."""
    actions, components = {}, {}
    for t in machine.table():
        actions.setdefault(t.schema, []).append(t.action)
    options = []
    for schema, names in actions.items():
        body = schema.model_json_schema(ref_template=ref_template)
        components.update(body.pop("$defs", {}))
        name = f"Action{schema.__name__}"
        components[name] = body
        listed = ", ".join(dict.fromkeys(names))
        options.append({"title": listed, "description": f"The body of: {listed}.",
                        "allOf": [{"$ref": ref_template.format(model=name)}]})
    request_body = {"required": False, "description": "The action's fields (see the table above); "
                    "an action without fields takes `{}` or no body.",
                    "content": {"application/json": {"schema": {"oneOf": options}}}}
    return request_body, components


def _body(request):
    if not request.body:
        return {}
    try:
        data = json.loads(request.body)
    except RecursionError:
        raise InvalidInput([too_deep()]) from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidInput([{"loc": ["body"], "msg": f"malformed JSON: {exc}", "type": "json_invalid"}])
    if not isinstance(data, dict):
        raise InvalidInput([{"loc": ["body"], "msg": "the body must be a JSON object", "type": "type_error"}])
    return data


@router.post("/cases/{ticket}/actions/{action}", response=CaseOut, summary="Take an action on a case",
             description=_actions_doc(),
             openapi_extra={"requestBody": action_bodies()[0]})
def act(request, ticket: str, action: str):
    actor = actor_for(request)
    case = cases.get_case(ticket=ticket, actor=actor)
    services.perform(ticket=case.ticket, action=action, actor=actor, fields=_body(request))
    # After a transfer the case may leave the actor's subtree; they still see the result they caused.
    return detail(cases.load_case(case.ticket), actor)
