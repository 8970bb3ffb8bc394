import datetime as dt

from ninja import Query, Router, Schema

from ombud.core.auth import actor_for
from ombud.core.errors import DomainError, Forbidden

from . import selectors, services
from .presenters import detail, summary
from .schemas import CaseOut, CasePageOut

router = Router(tags=["cases"])


class CaseFilters(Schema):
    status: str = ""
    kind: str = ""
    authority: str = ""
    received_from: dt.datetime | None = None
    received_to: dt.datetime | None = None
    category: str = ""
    issue_type: str = ""
    respondent: str = ""
    q: str = ""
    cursor: str = ""
    limit: int = 50


@router.get("/cases", response=CasePageOut, summary="List cases in your scope",
            description="Every filter takes comma-separated values; a leading ! negates it. "
                        "`authority` takes a code and matches its whole subtree.")
def list_cases(request, filters: Query[CaseFilters]):
    actor = actor_for(request)
    limit = max(1, min(filters.limit, 500))
    rows, cursor = selectors.list_cases(actor=actor, **{**filters.dict(), "limit": limit})
    return {"items": [summary(c) for c in rows], "next_cursor": cursor}


@router.get("/cases/{ticket}", response=CaseOut, summary="One case, with its events")
def get_case(request, ticket: str, phone: str = ""):
    actor = actor_for(request)
    return detail(selectors.get_case(ticket=ticket, actor=actor, phone=phone), actor)


class MoveIn(Schema):
    reason: str
    to_authority: str = ""
    by_authority: str = ""


_MOVES = {
    "transfer": lambda t, a, body: services.transfer(ticket=t, actor=a, reason=body.reason,
                                                     to_authority_code=body.to_authority),
    "return": lambda t, a, body: services.return_to_intake(ticket=t, actor=a, reason=body.reason),
    "takeover": lambda t, a, body: services.take_over(ticket=t, actor=a, reason=body.reason,
                                                      by_authority_code=body.by_authority),
}


@router.post("/cases/{ticket}/actions/{action}", response=CaseOut, summary="Transfer, return or take over a case")
def act(request, ticket: str, action: str, body: MoveIn):
    actor = actor_for(request)
    case = selectors.get_case(ticket=ticket, actor=actor)
    if actor.role not in ("handler", "supervisor", "admin", "operator"):
        raise Forbidden("your role may not move cases")
    if action not in _MOVES:
        raise DomainError(f"unknown action {action!r}", allowed=sorted(_MOVES))
    _MOVES[action](case.ticket, actor.who, body)
    # After a transfer the case may leave the actor's subtree; they still see the result they caused.
    return detail(selectors.load_case(case.ticket), actor)

