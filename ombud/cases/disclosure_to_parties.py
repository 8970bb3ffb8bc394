"""Who sees which personal detail of the person who filed a case: one table for the pages, the API
and the promises the intake form makes, so that the form cannot promise what a page then breaks.

The filer always sees their own details. The public sees none of them (DESIGN.md: complainant
identity is never published). A respondent never learns who reported it (Art. 33).
"""
from django.utils.translation import gettext_lazy as _

from ombud.accounts.models import Role, STAFF_ROLES

FILER, STAFF, RESPONDENT, PUBLIC = "filer", "staff", "respondent", "public"

PERSON = ("name", "phone", "email", "address", "region_code")
OTHERS = ("agent", "joint_complainants")  # people named besides the filer
_STAFF_ONLY = {f: frozenset({STAFF}) for f in PERSON + OTHERS}

# kind -> field -> who sees it besides the filer.
SEES = {
    "complaint": {**_STAFF_ONLY, "name": frozenset({STAFF, RESPONDENT})},  # the name lets the business find the sale
    "report": _STAFF_ONLY,
    "consultation": _STAFF_ONLY,
}

# What a respondent is shown of the case beyond its own parts.
RESPONDENT_DOCUMENTS = frozenset({"mediation_notice", "termination", "agreement"})  # those addressed to it
RESPONDENT_HIDDEN_EVENTS = frozenset({"split", "identity_requested", "identity_provided"})  # "split": a report exists

# The form's words for each field, chosen by the table above.
_NEVER = {
    "name": _("The business is never told who you are."),
    "phone": _("You track the case with it; it is never shown to the business."),
    "email": _("Only the bureau sees it, never the business."),
    "address": _("Only the bureau sees it, never the business."),
}
_SHOWN = {
    "name": _("The business sees your name, so that it can find your purchase; nothing else about you."),
}
_SHOWN_OTHER = _("The business handling your complaint sees it too.")


def audience(actor):
    """Which column of the table a caller reads."""
    if actor.role == Role.BUSINESS:
        return RESPONDENT
    if actor.role in STAFF_ROLES:
        return STAFF
    if actor.role in ("", Role.CONSUMER, Role.INTEGRATOR):
        return FILER  # the scope checks let these see only cases they filed or track with the phone
    return PUBLIC


def shows(kind, field, who):
    return who == FILER or who in SEES.get(kind, _STAFF_ONLY).get(field, ())


def person(case, who):
    """The filer's details this audience may see, or None when it sees nothing of them."""
    if case.anonymous:
        return None
    values = {"name": case.complainant_name, "phone": case.complainant_phone, "email": case.complainant_email,
              "address": case.complainant_address, "region_code": case.complainant_region_id or ""}
    shown = {f: v for f, v in values.items() if shows(case.kind, f, who)}
    return shown or None


def promises(kind):
    """{field: what the form tells the filer about it}, read off the table."""
    table = SEES.get(kind, _STAFF_ONLY)
    return {f: (_SHOWN.get(f, _SHOWN_OTHER) if RESPONDENT in table[f] else _NEVER[f]) for f in _NEVER}


def sees_document(form, who):
    return who != RESPONDENT or form in RESPONDENT_DOCUMENTS


def sees_event(action, who):
    return who != RESPONDENT or action not in RESPONDENT_HIDDEN_EVENTS


def masked_actor(event, case):
    """An event's actor as a respondent may see it: the filer's own account name (often a phone number
    or an email) becomes a role word."""
    if event.actor_user_id and event.actor_user_id == case.submitted_by_user_id:
        return "complainant"
    return event.actor_label
