"""Operations that change a case. Each writes an append-only event citing its article."""
from django.db import transaction
from django.utils import timezone

from ombud.core.errors import DomainError, NotFound
from ombud.regions.models import Authority
from ombud.rules.selectors import citation

from .models import Case, CaseEvent, Status


def actor_fields(actor):
    """Event columns for an actor: a User, an ApiKey, or a label string ('system', 'import')."""
    from ombud.accounts.models import ApiKey

    if actor is None:
        return {"actor_label": "system"}
    if isinstance(actor, str):
        return {"actor_label": actor}
    if isinstance(actor, ApiKey):
        return {"actor_key": actor, "actor_label": f"api:{actor.name}"}
    return {"actor_user": actor, "actor_label": actor.get_username()}


def cite(case, key):
    return citation(case.rule_set, key)


def event(case, *, action, actor=None, reason="", article="", data=None, from_status="", to_status="",
          authority=None, at=None):
    """Build (not save) an event; callers save in bulk inside their transaction."""
    return CaseEvent(
        case=case, at=at or timezone.now(), action=action, reason=reason, article=article, data=data or {},
        from_status=from_status, to_status=to_status, authority=authority or case.authority, **actor_fields(actor),
    )


def _move(case, *, to, action, actor, reason, citation_key, new_status=None):
    before = case.status
    previous = case.authority
    case.authority = to
    if new_status:
        case.status = new_status
    case.save(update_fields=["authority", "status"])
    CaseEvent.objects.bulk_create([event(
        case, action=action, actor=actor, reason=reason, article=cite(case, citation_key),
        from_status=before, to_status=case.status, authority=to,
        data={"from_authority": previous.code, "to_authority": to.code},
    )])
    return case


def _locked(ticket):
    case = (Case.objects.select_for_update(of=("self",)).select_related("authority", "rule_set")
            .filter(ticket=ticket).first())
    if case is None:
        raise NotFound("no such case")
    return case


def _active_authority(code, *, field):
    authority = Authority.objects.filter(code=code, active=True).first()
    if authority is None:
        raise DomainError(f"no active authority with code {code!r}", field=field)
    return authority


def _require_reason(reason):
    if not (reason or "").strip():
        raise DomainError("a reason is required", field="reason")


@transaction.atomic
def transfer(*, ticket, to_authority_code, actor, reason):
    """Pass a case to the competent authority (移送)."""
    _require_reason(reason)
    case = _locked(ticket)
    to = _active_authority(to_authority_code, field="to_authority")
    if to.pk == case.authority_id:
        raise DomainError("the case is already with that authority", field="to_authority")
    status = Status.RECEIVED if case.status == Status.PENDING_DISPATCH else None
    return _move(case, to=to, action="transferred", actor=actor, reason=reason,
                 citation_key="routing.transfer", new_status=status)


@transaction.atomic
def return_to_intake(*, ticket, actor, reason):
    """A department that does not own a case sends it back to the intake unit, never sideways (退回)."""
    _require_reason(reason)
    case = _locked(ticket)
    intake = case.intake_authority or Authority.objects.get(code=case.authority.code[:2] + "0000")
    if intake.pk == case.authority_id:
        raise DomainError("the case is already with the intake unit", field="ticket")
    return _move(case, to=intake, action="returned", actor=actor, reason=reason,
                 citation_key="routing.return", new_status=Status.PENDING_DISPATCH)


@transaction.atomic
def take_over(*, ticket, by_authority_code, actor, reason):
    """A higher authority takes a case of a lower one in its subtree (提级办理)."""
    _require_reason(reason)
    case = _locked(ticket)
    by = _active_authority(by_authority_code, field="by_authority")
    if not (by.level < case.authority.level and by.covers(case.authority)):
        raise DomainError(f"{by.name} is not above {case.authority.name}", field="by_authority")
    return _move(case, to=by, action="taken_over", actor=actor, reason=reason,
                 citation_key="routing.takeover")
