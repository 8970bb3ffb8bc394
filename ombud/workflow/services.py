"""Take an action on a case: check it is allowed now, apply it, and record it.

One transaction holds the case row lock, the state change, the clocks, the event (with
its article), the documents and the outbox messages: all of it happens, or none.
"""
import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop
from pydantic import ValidationError

from ombud.accounts.models import STAFF_ROLES
from ombud.cases.models import Case, CaseEvent
from ombud.cases.services import event
from ombud.cases.tickets import display
from ombud.core.errors import DomainError, Forbidden, InvalidInput, NotFound
from ombud.core.queries import first
from ombud.rules import selectors as rule_sets

from . import deadlines, machine
from .models import CaseDeadline

log = logging.getLogger(__name__)


class IllegalAction(DomainError):
    """The action is not possible in the case's current state (HTTP 409)."""

    def __init__(self, message, *, case, clocks, why=None):
        super().__init__(message, state=case.status, allowed_actions=[t.action for t in machine.available(case, clocks)],
                         **({"why": why} if why else {}))


# The event each action writes: what happened, in the past tense.
EVENTS = {
    "dispatch": "dispatched", "transfer": "transferred", "return": "returned", "takeover": "taken_over",
    "request_identity": "identity_requested", "provide_identity": "identity_provided", "accept": "accepted",
    "refuse": "refused", "odr_opt_in": "odr_forwarded", "odr_record": "odr_negotiation_recorded",
    "odr_settle": "odr_settled", "odr_fail": "odr_failed", "escalate": "escalated",
    "start_mediation": "mediation_started", "recuse": "mediator_recused", "pause": "clock_paused",
    "resume": "clock_resumed", "flag_violation": "violation_flagged", "check_violation": "violation_checked",
    "agree": "agreement_reached", "terminate": "mediation_terminated", "serve_termination": "termination_served",
    "withdraw": "withdrawn", "close": "closed", "verdict": "verdict_given", "return_visit": "return_visit_made",
    "extend_verification": "verification_extended", "file_case": "case_filed", "decline_case": "case_not_filed",
    "notify_reporter": "reporter_notified", "extend_case_decision": "case_decision_extended",
    "record_penalty": "penalty_recorded", "decide_reward": "reward_decided", "answer": "answered",
}


DESK_ROLES = machine.DESK


def open_clocks(case):
    return {c.step: c for c in CaseDeadline.objects.filter(case=case, met_at__isnull=True)}


def _locked(ticket):
    case = first(Case.objects.select_for_update(of=("self",)).select_related("authority", "respondent")
                 .filter(ticket=ticket))
    if case is None:
        raise NotFound("no such case")
    case.rule_set = rule_sets.by_id(case.rule_set_id)
    return case


def _validate(schema, fields):
    try:
        return schema(**(fields or {}))
    except ValidationError as exc:
        raise InvalidInput([{"loc": list(e["loc"]), "msg": e["msg"].removeprefix("Value error, "), "type": e["type"],
                             "ctx": {k: str(v) for k, v in (e.get("ctx") or {}).items()}}
                            for e in exc.errors()]) from None


def _check(case, action, actor, clocks):
    rule = machine.find(case.kind, action)
    if rule is None:
        raise IllegalAction(f"unknown action {action!r} for a {case.kind}", case=case, clocks=clocks)
    if case.status not in rule.sources:
        raise IllegalAction(f"cannot {action} a {case.kind} that is {case.status}", case=case, clocks=clocks)
    if rule.cite not in (case.rule_set.citations if case.rule_set else {}):
        raise IllegalAction(f"{action} does not exist under {case.rule_set}", case=case, clocks=clocks)
    why = rule.guard(case, clocks) if rule.guard else None
    if why:
        raise IllegalAction(f"cannot {action} now: {why}", case=case, clocks=clocks, why=why)
    if actor.role not in rule.roles:
        raise Forbidden(f"the {actor.role or 'public'} role may not {action}; roles that may: "
                        f"{', '.join(sorted(rule.roles))}")
    return rule


@transaction.atomic
def perform(*, ticket, action, actor, fields=None, at=None):
    """Take `action` on the case; returns (case, event, documents).

    `at` records a step taken earlier (loading history, the demo); the API never passes it."""
    case = _locked(ticket)
    clocks = open_clocks(case)
    rule = _check(case, action, actor, clocks)
    step = machine.Step(case=case, actor=actor, data=_validate(rule.schema, fields), at=at or timezone.now(),
                        clocks=clocks, rule=rule)
    before = case.status
    rule.apply(step)
    if rule.target:
        case.status = rule.target
    if case.handler_id is None and actor.user is not None and actor.role in STAFF_ROLES:
        case.handler = actor.user  # the first staff member to act on a case handles it
    case.next_due = deadlines.next_due(case)  # the step may have started, met or moved clocks
    case.save()
    if actor.role in DESK_ROLES and rule.roles & {"consumer", "business"}:
        step.info["on_behalf_of"] = "business" if "business" in rule.roles and "consumer" not in rule.roles \
            else "complainant"  # staff recording what a party said (by phone, at the counter)
    note = _note(step.data)
    if note:
        step.info.setdefault("note", note)  # what the person wrote, apart from the machine's own wording
    record = event(case, action=EVENTS.get(action, action), actor=actor.who, at=step.at, reason=step.reason,
                   article=step.article or case.rule_set.cite(rule.cite), data=step.info,
                   from_status=before, to_status=case.status, authority=step.authority)
    CaseEvent.objects.bulk_create([record])
    documents = _issue(step, record)
    _notify(step, documents)
    return case, record, documents


NOTE_FIELDS = ("notes", "reason", "comment", "finding")


def _note(data):
    """The free text a person typed into an action's form, if any (a code such as a pause reason is not)."""
    fields = type(data).model_fields
    for name in NOTE_FIELDS:
        field, value = fields.get(name), getattr(data, name, None)
        if field is not None and field.annotation is str and isinstance(value, str) and value.strip() \
                and value != field.default:
            return value.strip()
    return ""


def _issue(step, record):
    from ombud.documents.services import issue

    return [issue(case=step.case, form=form, data=data, event=record, at=step.at) for form, data in step.documents]


def _notify(step, documents):
    from ombud.documents.selectors import url
    from ombud.notify.services import notify_party

    case = step.case
    context = {"ticket": display(case.ticket), "authority": case.authority.name,
               "respondent": case.respondent.name if case.respondent else case.respondent_name,
               "date": timezone.localtime(step.at).date().isoformat()}
    if documents:
        context.update({"number": documents[0].number, "link": url(documents[0], absolute=True)})
    for party, template, extra in step.messages:
        notify_party(case=case, party=party, template=template, context={**context, **extra},
                     document=documents[0] if documents else None)


def allowed_for(case, actor, clocks=None):
    """The actions this actor may take on the case now."""
    clocks = open_clocks(case) if clocks is None else clocks
    return [t.action for t in machine.available(case, clocks) if actor.role in t.roles]


@transaction.atomic
def assign(*, ticket, handler_username, actor):
    """Give the case to a handler of its authority (internal; not a statutory step)."""
    from django.contrib.auth import get_user_model

    case = _locked(ticket)
    handler = (get_user_model().objects.filter(username=handler_username, is_active=True,
                                               profile__role__in=["handler", "supervisor"],
                                               profile__authority=case.authority).first())
    if handler is None:
        raise DomainError(gettext_noop("%(user)s is not a handler of %(authority)s"), field="handler",
                          params={"user": handler_username, "authority": case.authority.name})
    case.handler = handler
    case.save(update_fields=["handler"])
    CaseEvent.objects.bulk_create([event(case, action="assigned", actor=actor.who, reason=handler.get_username(),
                                         data={"handler": handler.get_username(), "statutory": False},
                                         from_status=case.status, to_status=case.status)])
    return case
