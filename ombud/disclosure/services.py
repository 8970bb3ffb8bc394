"""State changes of public disclosure: queueing a consenting complainant's account, and its review. Each
writes its NarrativeEvent in the same transaction."""
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from ombud.core.errors import DomainError, Forbidden, InvalidInput, NotFound

from . import selectors
from .models import Narrative, NarrativeAction, NarrativeEvent, NarrativeStatus


def _record(narrative, *, actor, action, note="", **data):
    rule = selectors.current_rule()
    NarrativeEvent.objects.create(narrative=narrative, at=timezone.now(), actor=actor, action=action, note=note,
                                  data=data, rule_version=rule.version if rule else None)


def known_names(case):
    """The names the case knows of people: removed wherever they occur, however the text spells the rest."""
    return [n for n in (case.complainant_name, getattr(case, "agent_name", "")) if n and len(n.strip()) >= 2]


@transaction.atomic
def queue_narrative(*, case):
    """Queue the complainant's account for review when they consented and the rule publishes accounts.
    Returns the Narrative, or None when there is nothing to queue. Safe to call twice."""
    from .scrub import scrub

    rule = selectors.current_rule()
    if (rule is None or not rule.narratives or case.kind not in rule.kinds or not case.consent_disclosure
            or not (case.facts or "").strip()):
        return None
    existing = Narrative.objects.filter(case=case).first()
    if existing is not None:
        return existing
    text, found = scrub(case.facts, known_names=known_names(case))
    narrative = Narrative.objects.create(case=case, scrubbed=text, text=text, queued_at=timezone.now(),
                                         removed=[[f.type, f.start, f.end] for f in found])
    _record(narrative, actor=None, action=NarrativeAction.QUEUED,
            removed=sorted({f.type for f in found}))  # the kinds removed, never the text
    return narrative


def queue_finished(*, limit=500):
    """Queue the accounts of consenting cases that finished since the last run (the periodic task)."""
    from ombud.cases.selectors import finished_with_consent

    rule = selectors.current_rule()
    if rule is None or not rule.narratives:
        return 0
    cases = (finished_with_consent(kinds=rule.kinds, statuses=rule.statuses)
             .exclude(id__in=Narrative.objects.values("case_id")).order_by("closed_at", "id")[:limit])
    return sum(1 for case in cases if queue_narrative(case=case) is not None)


def _locked(narrative, actor):
    if actor.user is None or not selectors.review_queue(actor=actor, status="").filter(pk=narrative.pk).exists():
        raise NotFound("no such account in your area")
    narrative = Narrative.objects.select_for_update().get(pk=narrative.pk)
    if narrative.status != NarrativeStatus.PENDING:
        raise DomainError(gettext_noop("This account was already reviewed."))
    return narrative


@transaction.atomic
def approve_narrative(*, narrative, actor, text):
    """Publish `text` (the scrubbed account, as the reviewer edited it). Refused while the recognisers still
    find personal data in it: the reviewer removes it, or it is not published."""
    from .scrub import LABELS, STRUCTURED, find

    narrative = _locked(narrative, actor)
    text = (text or "").strip()
    if not text:
        raise InvalidInput([{"loc": ["text"], "type": "value_error",
                             "msg": gettext_noop("The account to publish is empty; reject it instead.")}])
    # Structured data and the parties' own names block approval; a name guessed from an honorific does not
    # (the reviewer has read the text, and a guess such as "Dr. Martens" must not hold an account back).
    names = known_names(narrative.case)
    left = {f.type for f in find(text, known_names=names, types=STRUCTURED)}
    left |= {"name"} if any(n in text for n in names) else set()
    if left:
        kinds = ", ".join(sorted(str(LABELS.get(t, t)) for t in left))
        raise DomainError(gettext_noop("The text still holds personal data: %(kinds)s. Remove it, then approve."),
                          field="text", params={"kinds": kinds})
    narrative.text, narrative.status = text[:8000], NarrativeStatus.APPROVED
    narrative.reviewed_at, narrative.reviewed_by = timezone.now(), actor.user
    narrative.save(update_fields=["text", "status", "reviewed_at", "reviewed_by"])
    _record(narrative, actor=actor.user, action=NarrativeAction.APPROVED,
            edited=text != narrative.scrubbed.strip())
    return narrative


@transaction.atomic
def reject_narrative(*, narrative, actor, note):
    narrative = _locked(narrative, actor)
    if not (note or "").strip():
        raise InvalidInput([{"loc": ["note"], "type": "value_error",
                             "msg": gettext_noop("Say why the account is not published.")}])
    narrative.status, narrative.reviewed_at, narrative.reviewed_by = NarrativeStatus.REJECTED, timezone.now(), actor.user
    narrative.save(update_fields=["status", "reviewed_at", "reviewed_by"])
    _record(narrative, actor=actor.user, action=NarrativeAction.REJECTED, note=note.strip()[:2000])
    return narrative


@transaction.atomic
def withdraw_consent(*, case, actor):
    """The complainant takes back their consent: the account leaves the public view at once."""
    if actor.user is None or case.submitted_by_user_id != actor.user.pk:
        raise Forbidden(gettext_noop("Only the complainant can withdraw their consent."))
    narrative = Narrative.objects.select_for_update().filter(case=case).first()
    if narrative is not None and narrative.status == NarrativeStatus.WITHDRAWN:
        return narrative
    if narrative is None:  # not queued yet: a withdrawn record keeps it from ever being queued
        narrative = Narrative.objects.create(case=case, scrubbed="", status=NarrativeStatus.WITHDRAWN,
                                             queued_at=timezone.now())
    else:
        narrative.status = NarrativeStatus.WITHDRAWN
        narrative.save(update_fields=["status"])
    _record(narrative, actor=actor.user, action=NarrativeAction.WITHDRAWN)
    return narrative
