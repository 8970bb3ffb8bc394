from django.utils.translation import gettext_noop
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


FILE_DOC = {"responses": {200: {"description": "The file, as a download (`Content-Disposition: attachment`, "
                                               "`X-Content-Type-Options: nosniff`)",
                                "content": {"application/octet-stream": {"schema": {"type": "string",
                                                                                    "format": "binary"}}}}}}


@router.get("/cases/{ticket}/attachments/{sha256}", summary="Download one of the case's files",
            description="One of the files the case's `attachments` lists, named by its `sha256`. It is always a download: PDF, PNG, "
                        "JPEG and plain text keep their type, anything else is `application/octet-stream`. Files "
                        "are personal data: every download is logged.",
            openapi_extra=FILE_DOC)
def attachment(request, ticket: str, sha256: str):
    from ombud.core.errors import NotFound
    from ombud.correspondence.selectors import attachments_for
    from ombud.correspondence.views import download

    actor = actor_for(request)
    case = selectors.get_case(ticket=ticket, actor=actor)
    found = next((a for a in attachments_for(case=case, viewer=actor) if a.sha256 == sha256.lower()), None)
    if found is None:
        raise NotFound(gettext_noop("no such file on this case"))
    return download(request, case, actor, found, "api_file")
