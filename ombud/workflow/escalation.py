"""The overdue job: find running clocks whose period ran out, escalate each exactly once.

Escalating writes an event on the case (with the period's article) and tells the case's
handler and the supervisors of its authority, one digest per person per run. A clock is
claimed by setting `escalated_at`, so a second run — or a second worker — finds nothing
left to do: the job is idempotent.
"""
import logging
from collections import defaultdict

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone, translation

from ombud.cases.plain import STEPS
from ombud.cases.tickets import display
from ombud.workdays.selectors import last_day_of

from .models import CaseDeadline

log = logging.getLogger(__name__)
DIGEST_LINES = 50


_CLAIM = """
UPDATE workflow_casedeadline SET escalated_at = %s
WHERE met_at IS NULL AND paused_at IS NULL AND escalated_at IS NULL AND due <= %s
"""
# One statement writes every claimed clock's event: no row passes through Python.
_EVENTS = """
INSERT INTO cases_caseevent (case_id, at, action, actor_label, from_status, to_status, authority_id, reason,
                             article, data)
SELECT d.case_id, %s, 'deadline_overdue', 'system', c.status, c.status, c.authority_id,
       'the ' || d.step || ' period ran out; escalated', d.article, {data}
FROM workflow_casedeadline d JOIN cases_case c ON c.id = d.case_id
WHERE d.escalated_at = %s
"""
_DATA = {"postgresql": "jsonb_build_object('step', d.step, 'due', d.due)",
         "sqlite": "json_object('step', d.step, 'due', d.due)"}


def escalate_overdue(*, now=None):
    """Escalate every overdue running clock; returns how many. Safe to run twice or in parallel:
    the claim only takes clocks not escalated yet (a concurrent claim waits on the row locks and
    then finds them taken), and the run's timestamp marks exactly the clocks this run claimed."""
    now = now or timezone.now()
    stamp = connection.ops.adapt_datetimefield_value(now)  # as the ORM writes it, so equality holds
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_CLAIM, [stamp, stamp])
        total = cursor.rowcount
        if total:
            cursor.execute(_EVENTS.format(data=_DATA[connection.vendor]), [stamp, stamp])
            rows = CaseDeadline.objects.filter(escalated_at=now).values_list(
                "step", "due", "case__authority_id", "case__handler_id", "case__ticket")
            digests = defaultdict(list)  # (authority_id, handler_id) -> (ticket, step, last day)
            for step, due, authority_id, handler_id, ticket in rows.iterator(chunk_size=5000):
                digests[(authority_id, handler_id)].append((display(ticket), step, _day(due)))
            _send_digests(digests, now)
    log.info("overdue job: %s clocks escalated", total)
    return total


def _day(due):
    return last_day_of(due).isoformat()


def _send_digests(digests, now):
    from ombud.notify.services import enqueue_many
    from ombud.regions.models import Authority

    users = get_user_model().objects.select_related("profile")
    authority_ids = {a for a, _ in digests}
    supervisors = defaultdict(list)
    for user in users.filter(is_active=True, profile__role="supervisor", profile__authority_id__in=authority_ids):
        supervisors[user.profile.authority_id].append(user)
    handlers = {u.pk: u for u in users.filter(pk__in={h for _, h in digests if h})}
    names = dict(Authority.objects.filter(pk__in=authority_ids).values_list("pk", "name"))
    per_person = defaultdict(list)  # (user, authority_id) -> lines
    for (authority_id, handler_id), lines in digests.items():
        people = supervisors[authority_id] + ([handlers[handler_id]] if handler_id in handlers else [])
        for user in people:
            per_person[(user, authority_id)].extend(lines)
    stamp = now.isoformat()
    items = []
    for (user, authority_id), lines in per_person.items():
        if not user.email:
            continue
        with translation.override(user.profile.language or None):  # the step in the reader's language
            first = [f"{ticket} {STEPS.get(step, step)} {day}" for ticket, step, day in lines[:DIGEST_LINES]]
        shown = "\n".join(first) + (f"\n… +{len(lines) - DIGEST_LINES}" if len(lines) > DIGEST_LINES else "")
        items.append({"to": user.email, "channel": "email", "template": "overdue_digest",
                      "recipient": "supervisor" if user.profile.role == "supervisor" else "handler",
                      "language": user.profile.language, "dedupe_key": f"overdue:{stamp}:{authority_id}:{user.pk}",
                      "context": {"count": len(lines), "authority": names.get(authority_id, ""), "lines": shown}})
    enqueue_many(items)
