from ninja import Query, Router, Schema

from ombud.core.auth import actor_for
from ombud.core.inputs import IsoDatetime

from . import selectors
from .presenters import detail, summary
from .schemas import CaseOut, CasePageOut

router = Router(tags=["cases"])


class CaseFilters(Schema):
    status: str = ""
    kind: str = ""
    authority: str = ""
    received_from: IsoDatetime | None = None
    received_to: IsoDatetime | None = None
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
    from ombud.core import ratelimit
    from ombud.core.errors import NotFound

    from .tickets import normalize

    actor = actor_for(request)
    tracking = bool(phone) and actor.role in ("", "consumer")
    number = normalize(ticket) or ticket[:40]
    if tracking:
        ratelimit.tracking(request, number)  # the same policy as the tracking form
    try:
        case = selectors.get_case(ticket=ticket, actor=actor, phone=phone)
    except NotFound:
        if tracking:
            ratelimit.ticket_failed(number)
        raise
    return detail(case, actor)
