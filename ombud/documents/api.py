from ninja import Router

from ombud.accounts.models import STAFF_ROLES
from ombud.cases import selectors as cases
from ombud.cases.schemas import DocumentOut
from ombud.core.auth import actor_for
from ombud.core.errors import Forbidden

from . import selectors, services

router = Router(tags=["documents"])


@router.post("/cases/{ticket}/documents/registration", response=DocumentOut,
             summary="The case's registration form (投诉/举报登记表)",
             description="Issued and numbered the first time it is asked for; the same document afterwards.")
def registration(request, ticket: str):
    actor = actor_for(request)
    case = cases.get_case(ticket=ticket, actor=actor)
    if actor.role not in STAFF_ROLES | {"operator"}:
        raise Forbidden("only staff issue registration forms")
    return selectors.view(services.registration_form(case=case))
