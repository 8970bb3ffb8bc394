"""Posting to a case's thread: the message, its files and its event, in one transaction."""
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from ombud.accounts.models import STAFF_ROLES
from ombud.cases.models import CaseEvent
from ombud.cases.services import event
from ombud.core.errors import DomainError, InvalidInput
from ombud.intake.attachments import check_attachments, store_attachments

from .models import Audience, CaseMessage

MAX_BODY = 4000


def shared_with_business(case):
    """The business takes part in the thread only in the ODR lane, and never on a report (Art. 33)."""
    return case.kind == "complaint" and case.odr_lane and case.respondent_id is not None


def audiences_for(case, role):
    """The audiences this role may write to on this case, the default first."""
    business = shared_with_business(case)
    if role in STAFF_ROLES:
        return ([Audience.ALL] if business else []) + [Audience.CONSUMER_STAFF, Audience.STAFF]
    if role == "business":
        return [Audience.ALL] if business else []
    if role in ("consumer", ""):
        return [Audience.CONSUMER_STAFF] + ([Audience.ALL] if business else [])
    return []


def post_message(*, case, actor, body, audience, files=()):
    """Write a message (and its files) to the thread, with a non-statutory CaseEvent."""
    body = (body or "").strip()
    role = actor.role or "consumer"
    if audience not in audiences_for(case, role):
        raise DomainError(gettext_noop("You cannot send a message to them on this case."), field="audience")
    if not body and not files:
        raise InvalidInput([{"loc": ["body"], "type": "empty", "msg": gettext_noop("Write a message or attach a file.")}])
    if len(body) > MAX_BODY:
        raise InvalidInput([{"loc": ["body"], "type": "string_too_long", "ctx": {"max_length": MAX_BODY},
                             "msg": f"at most {MAX_BODY} characters"}])
    checked = check_attachments(list(files)) if files else []
    now = timezone.now()
    with transaction.atomic():
        user = actor.user if actor.user is not None and actor.user.is_authenticated else None
        message = CaseMessage(case=case, at=now, author_role=role, audience=audience, body=body, author_user=user)
        message.save()
        stored = store_attachments(case=case, checked=checked, actor=actor.who, record=False) if checked else []
        if stored:
            message.attachments.set(stored)
        who = actor.who if actor.who is not None else "public"
        CaseEvent.objects.bulk_create([event(
            case, action="message_posted", actor=who, at=now, from_status=case.status, to_status=case.status,
            data={"message": message.pk, "audience": audience, "author_role": role, "statutory": False,
                  "files": [{"name": a.name, "size": a.size, "type": a.content_type, "sha256": a.sha256}
                            for a in stored]})])
    return message
