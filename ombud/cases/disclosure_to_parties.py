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


# ---- what each party is told of an event -------------------------------------------------------
#
# An event carries a `reason` (often a handler's free text: an internal note, a violation finding), an
# actor (a staff username, an API key's name) and `data` (codes, amounts, internal ids, the free text again
# under "note"). Staff see all of it. Every other audience sees what happened, when, the article it rests
# on and the authority (a bureau's code is public), plus only what this table names: whether the reason is
# shown, and which keys of `data`. The reason is shown only where it is addressed to the parties: a refusal's
# or termination's grounds (Art. 16, Art. 23(1); Implementing Regulations Art. 46: refusals give reasons),
# fixed machine wording, or a party's own words (ODR records, a withdrawal, the verdict, a public answer).
# An action missing from the table, or an audience missing from its row, is shown no reason and no data.


class Told:
    """One cell of the table: the reason shown or not, and the data keys shown."""

    def __init__(self, *keys, reason=False):
        self.reason, self.keys = reason, frozenset(keys)


NOTHING = Told()
_MOVE = Told("from_authority", "to_authority")  # which bureau has the case; never the staff member's reason
_GROUND = Told("ground", "ground_text", "note", reason=True)  # addressed to the parties by law
_ODR_RECORD = Told("at", "method", "process", "outcome", "recorded_at", reason=True)  # the business's record of it
_MEDIATION = Told("mode", "mediator", "scheduled_at", "place", "bring", "delegated_to", "consent_complainant",
                  "consent_respondent")  # what the mediation notice served on both parties says (documents.forms)
_EXTENDED = Told("step", "extension_days", "due")  # not who approved it

# action -> audience -> Told. FILER is also the public tracking a case with the ticket and the phone.
EVENT_TOLD = {
    # intake and routing
    "received": {FILER: Told("channel", "incomplete", "missing_fields", "rule_set", reason=True)},
    "routed": {FILER: Told("authority", "region", "rule", reason=True), RESPONDENT: Told("authority", reason=True)},
    "held_for_dispatch": {FILER: Told("authority", "region", "rule", reason=True),
                          RESPONDENT: Told("authority", reason=True)},
    "split": {FILER: Told("linked_ticket", "linked_kind", reason=True)},  # never to the respondent (see above)
    "dispatched": {FILER: _MOVE, RESPONDENT: _MOVE},
    "transferred": {FILER: _MOVE, RESPONDENT: _MOVE},
    "returned": {FILER: _MOVE, RESPONDENT: _MOVE},
    "taken_over": {FILER: _MOVE, RESPONDENT: _MOVE},
    # complaint: acceptance
    "identity_requested": {FILER: Told("days", "due", reason=True)},
    "identity_provided": {FILER: Told("note", reason=True)},  # the complainant's own words
    "accepted": {FILER: Told("mediation_due"), RESPONDENT: Told("mediation_due")},  # the reason is a handler's note
    "refused": {FILER: _GROUND},  # the refusal decision goes to the complainant only
    # complaint: ODR, where the two parties deal with each other
    "odr_forwarded": {FILER: Told(reason=True), RESPONDENT: Told(reason=True)},
    "odr_negotiation_recorded": {FILER: _ODR_RECORD, RESPONDENT: _ODR_RECORD},
    "odr_settled": {FILER: Told("amount_recovered", "remedy_in_kind", "note", reason=True),
                    RESPONDENT: Told("amount_recovered", "remedy_in_kind", "note", reason=True)},
    "odr_failed": {FILER: Told("note", reason=True), RESPONDENT: Told("note", reason=True)},
    "escalated": {FILER: Told("odr", "note", reason=True)},
    # complaint: mediation
    "mediation_started": {FILER: _MEDIATION, RESPONDENT: _MEDIATION},
    "mediator_recused": {FILER: Told("mediator"), RESPONDENT: Told("mediator")},  # who takes over; not why
    "clock_paused": {FILER: Told("step", "paused_for"), RESPONDENT: Told("step", "paused_for")},  # not the notes
    "clock_resumed": {FILER: Told("step", "due"), RESPONDENT: Told("step", "due")},
    "agreement_reached": {FILER: Told("amount_recovered", "remedy_in_kind", "document", "terms", reason=True),
                          RESPONDENT: Told("amount_recovered", "remedy_in_kind", "document", "terms", reason=True)},
    "mediation_terminated": {FILER: _GROUND, RESPONDENT: _GROUND},  # both parties are served the notice
    "termination_served": {FILER: Told("method"), RESPONDENT: Told("method")},
    "withdrawn": {FILER: Told("note", reason=True)},  # the complainant's own words
    "verdict_given": {FILER: Told("resolved", "rating_handling", "rating_business", "comment", "note", reason=True)},
    "return_visit_made": {FILER: Told("reached", "satisfied")},
    # violation_flagged, violation_checked, closed: the event only
    # report: the reporter learns the result (Art. 31), never the findings
    "verification_extended": {FILER: _EXTENDED},
    "case_decision_extended": {FILER: _EXTENDED},
    "penalty_recorded": {FILER: Told("fines", "confiscations")},  # also on the business's public record
    "reward_decided": {FILER: Told("eligible", "tier", "amount")},
    # case_filed, case_not_filed, reporter_notified: the event only
    # consultation
    "answered": {FILER: Told(reason=True)},  # the answer itself
    # not statutory steps
    "public_response": {FILER: Told(reason=True), RESPONDENT: Told(reason=True), PUBLIC: Told(reason=True)},
    "message_posted": {FILER: Told("audience", "author_role", "files"),
                       RESPONDENT: Told("audience", "author_role", "files")},
    "attachments_added": {FILER: Told("files")},
    # assigned (a handler's username), deadline_overdue: the event only
}

# Who acted, as a party reads it: a role, never a username, an account name or an API key's name.
COMPLAINANT, BUSINESS, AUTHORITY, SYSTEM = "complainant", "business", "authority", "system"
ACTOR_WORDS = {COMPLAINANT: _("the complainant"), BUSINESS: _("the business"),
               AUTHORITY: _("the handling authority"), SYSTEM: _("the system")}


def told(action, who):
    return EVENT_TOLD.get(action, {}).get(who, NOTHING)


def actor_role(event, case):
    """The role in which an event's actor acted (needs actor_user__profile and actor_key loaded)."""
    if event.actor_user_id:
        if event.actor_user_id == case.submitted_by_user_id:
            return COMPLAINANT
        user = event.actor_user
        profile = getattr(user, "profile", None)
        role = profile.role if profile else (Role.ADMIN if user.is_superuser else Role.CONSUMER)  # as core.context
    elif event.actor_key_id:
        if event.actor_key_id == case.submitted_by_key_id:
            return COMPLAINANT  # the channel that filed it for the complainant
        role = getattr(event.actor_key, "role", "")
    else:
        # "public": someone without an account, i.e. the filer on the public form or tracking page
        return COMPLAINANT if event.actor_label == "public" else SYSTEM
    if role == Role.BUSINESS:
        return BUSINESS
    if role in STAFF_ROLES:
        return AUTHORITY
    return COMPLAINANT if role in ("", Role.CONSUMER, Role.INTEGRATOR) else SYSTEM  # integrators file for consumers


def masked_actor(event, case):
    """An event's actor as a party may see it: a role (see ACTOR_WORDS), never a name."""
    return actor_role(event, case)


# The case's `procedure` record (what the steps stored) as each party reads it: key -> the keys shown, or None
# for all of it. Staff read all of it; the return visit's notes are the handler's; a filing's number is internal.
PROCEDURE_TOLD = {
    FILER: {"odr": None, "mediation": None, "agreement": None, "reward": None, "answer": None,
            "return_visit": ("reached", "satisfied", "at")},
    RESPONDENT: {"odr": None, "mediation": None, "agreement": None},
}


def procedure(case, who):
    if who == STAFF:
        return case.procedure
    table = PROCEDURE_TOLD.get(who, {})
    out = {}
    for key, value in (case.procedure or {}).items():
        if key not in table:
            continue
        keys = table[key]
        out[key] = value if keys is None or not isinstance(value, dict) else {k: v for k, v in value.items()
                                                                             if k in keys}
    return out


def event_view(event, case, who):
    """{reason, actor, data, authority} of an event as this audience may see them (all of it for staff)."""
    authority = event.authority.code if event.authority_id else None
    if who == STAFF:
        return {"reason": event.reason, "actor": event.actor_label, "data": event.data, "authority": authority}
    cell = told(event.action, who)
    reason = event.reason if cell.reason else ""
    data = {k: v for k, v in (event.data or {}).items() if k in cell.keys}
    if who == RESPONDENT:  # the complainant's contact details never reach the business, whoever wrote them
        from ombud.correspondence.selectors import hide_contact_details

        reason = hide_contact_details(reason, case) if reason else reason
        data = {k: hide_contact_details(v, case) if isinstance(v, str) else v for k, v in data.items()}
    return {"reason": reason, "actor": masked_actor(event, case), "data": data, "authority": authority}


def shown_events(case, actor, events=None):
    """[(event, view)] of the case's events this caller may see, oldest first; `view` is event_view's, with
    `actor_text`: the actor's role and name for staff, a role word for a party. The API and the pages both
    read this, so they never disagree on what is told."""
    from ombud.correspondence.selectors import sees_event as sees_message

    from .plain import actor_name

    who = audience(actor)
    out = []
    for e in case.events.all() if events is None else events:
        # no trace of a message or file not meant for them, nor of what a respondent is not told
        if not (sees_event(e.action, who) and sees_message(case, actor, e.action, e.data)):
            continue
        view = event_view(e, case, who)
        view["actor_text"] = actor_name(e) if who == STAFF else str(ACTOR_WORDS[view["actor"]])
        out.append((e, view))
    return out
