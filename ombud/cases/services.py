"""Helpers every change of a case uses: the actor's columns, the citation, the event."""
from django.utils import timezone

from ombud.rules.selectors import citation

from .models import CaseEvent


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


def respond_publicly(*, case, actor, text):
    """The business's public answer (shown with the disclosed complaint; not a statutory step)."""
    from django.db import transaction

    with transaction.atomic():
        case.public_response = text[:4000]
        case.save(update_fields=["public_response"])
        CaseEvent.objects.bulk_create([event(case, action="public_response", actor=actor.who, reason=text[:4000],
                                             data={"statutory": False}, from_status=case.status,
                                             to_status=case.status)])


def record_personal_view(*, case, user, role, where):
    """Log that a staff member was shown the case's personal data (a page of another app, e.g. the review of
    a complainant's account before publication)."""
    from .models import PersonalDataView

    PersonalDataView.objects.create(case=case, user=user, role=role, where=where[:40])
