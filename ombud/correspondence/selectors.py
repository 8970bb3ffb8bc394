"""What each party may read of a case's thread and files."""
import re

from django.utils.translation import gettext

from ombud.accounts.models import STAFF_ROLES

from .models import Audience, CaseMessage
from .services import shared_with_business


def _role(viewer):
    return viewer.role or "consumer"


def audiences_seen_by(case, viewer):
    role = _role(viewer)
    if role in STAFF_ROLES:
        return set(Audience.values)
    if role == "business":
        return {Audience.ALL} if shared_with_business(case) else set()
    if role == "consumer":
        return {Audience.ALL, Audience.CONSUMER_STAFF}
    return set()


def sees_event(case, viewer, action, data):
    """False for a message event whose message this viewer may not read (its existence is not theirs either),
    and, for the business, for the files filed with the case: those are private to it."""
    if action == "attachments_added":
        return _role(viewer) != "business"
    if action != "message_posted":
        return True
    return (data or {}).get("audience") in audiences_seen_by(case, viewer)


_MOBILE = re.compile(r"(?<!\d)(?:\+?86[\s-]?)?1[3-9]\d(?:[\s-]?\d){8}(?!\d)")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def _phone_pattern(phone):
    digits = [d for d in phone if d.isdigit()]
    if len(digits) < 5:
        return None
    return re.compile(r"[\s\-]?".join(digits))


def hide_contact_details(text, case):
    """The complainant's phone, e-mail and address (and any mobile number or e-mail) taken out of a text the
    business reads: the business never gets the complainant's contact details through the thread."""
    hidden = gettext("[contact details hidden]")
    for value in (case.complainant_address, case.complainant_email):
        if value and len(value) >= 4:
            text = text.replace(value, hidden)
    pattern = _phone_pattern(case.complainant_phone or "")
    if pattern is not None:
        text = pattern.sub(hidden, text)
    return _EMAIL.sub(hidden, _MOBILE.sub(hidden, text))


def _author(message, case, viewer):
    role = message.author_role
    if role == "business":
        return case.respondent.name if case.respondent_id else gettext("Business")
    if role in STAFF_ROLES:
        user = message.author_user
        authority = getattr(getattr(user, "profile", None), "authority", None) if user else None
        bureau = authority.name if authority else case.authority.name
        if _role(viewer) in STAFF_ROLES and user is not None:
            return f"{bureau} · {user.get_full_name() or user.get_username()}"
        return bureau
    return gettext("Reporter") if case.kind == "report" else gettext("Consumer")


def thread_for(*, case, viewer):
    """The messages this viewer may read, oldest first, as plain values; files as Attachment rows."""
    seen = audiences_seen_by(case, viewer)
    if not seen:
        return []
    business = _role(viewer) == "business"
    rows = (CaseMessage.objects.filter(case=case, audience__in=seen)
            .select_related("author_user__profile__authority").prefetch_related("attachments"))
    labels = dict(Audience.choices)
    return [{"id": m.pk, "at": m.at, "author": _author(m, case, viewer),
             "side": "staff" if m.author_role in STAFF_ROLES else m.author_role,
             "audience": m.audience, "audience_label": labels[m.audience],
             "body": hide_contact_details(m.body, case) if business else m.body,
             "files": list(m.attachments.all())} for m in rows]


def attachments_for(*, case, viewer):
    """The case's files this viewer may download: staff all; the consumer those not in a staff-only note;
    the business only those sent to everyone (a file is private otherwise)."""
    role = _role(viewer)
    every = list(case.attachments.all())
    if role in STAFF_ROLES:
        return every
    seen = audiences_seen_by(case, viewer)
    carried = dict(CaseMessage.attachments.through.objects.filter(casemessage__case=case)
                   .values_list("attachment_id", "casemessage__audience"))
    if role == "business":
        return [a for a in every if carried.get(a.pk) in seen]
    return [a for a in every if a.pk not in carried or carried[a.pk] in seen]
