"""POST /api/v1/cases/{ticket}/actions/{action}: every transition of every state machine."""
import json

from ninja import Router

from ombud.cases import selectors as cases
from ombud.cases.presenters import detail
from ombud.cases.schemas import CaseOut
from ombud.core.auth import actor_for
from ombud.core.errors import InvalidInput

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


def _body(request):
    if not request.body:
        return {}
    try:
        data = json.loads(request.body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidInput([{"loc": ["body"], "msg": f"malformed JSON: {exc}", "type": "json_invalid"}])
    if not isinstance(data, dict):
        raise InvalidInput([{"loc": ["body"], "msg": "the body must be a JSON object", "type": "type_error"}])
    return data


@router.post("/cases/{ticket}/actions/{action}", response=CaseOut, summary="Take an action on a case",
             description=_actions_doc(),
             openapi_extra={"requestBody": {"content": {"application/json": {"schema": {"type": "object"}}}}})
def act(request, ticket: str, action: str):
    actor = actor_for(request)
    case = cases.get_case(ticket=ticket, actor=actor)
    services.perform(ticket=case.ticket, action=action, actor=actor, fields=_body(request))
    # After a transfer the case may leave the actor's subtree; they still see the result they caused.
    return detail(cases.load_case(case.ticket), actor)
