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
from django.utils import timezone

from ombud.cases.models import CaseEvent
from ombud.cases.tickets import display

from .models import CaseDeadline

log = logging.getLogger(__name__)
CHUNK = 20_000
DIGEST_LINES = 50


def _running_overdue(now):
    return CaseDeadline.objects.filter(met_at__isnull=True, paused_at__isnull=True, escalated_at__isnull=True,
                                       due__lte=now)


def _claim(now, chunk):
    """Mark up to `chunk` overdue clocks escalated; returns their rows for events and digests."""
    qs = _running_overdue(now).order_by("due")
    if connection.features.has_select_for_update_skip_locked:
        qs = qs.select_for_update(skip_locked=True)
    ids = list(qs.values_list("id", flat=True)[:chunk])
    if not ids:
        return []
    CaseDeadline.objects.filter(id__in=ids).update(escalated_at=now)
    return list(CaseDeadline.objects.filter(id__in=ids).values_list(
        "id", "case_id", "step", "due", "article", "case__status", "case__authority_id", "case__handler_id",
        "case__ticket"))


def escalate_overdue(*, now=None, chunk=CHUNK):
    """Escalate every overdue running clock; returns how many. Safe to run twice or in parallel."""
    now = now or timezone.now()
    digests = defaultdict(list)  # (authority_id, handler_id) -> lines
    total = 0
    while True:
        with transaction.atomic():
            rows = _claim(now, chunk)
            if not rows:
                break
            CaseEvent.objects.bulk_create([_event(row, now) for row in rows], batch_size=5000)
        for _, _, step, due, _, _, authority_id, handler_id, ticket in rows:
            digests[(authority_id, handler_id)].append(f"{display(ticket)} {step} {timezone.localtime(due):%Y-%m-%d}")
        total += len(rows)
        if len(rows) < chunk:
            break
    if digests:
        with transaction.atomic():
            _send_digests(digests, now)
    log.info("overdue job: %s clocks escalated", total)
    return total


def _event(row, now):
    _, case_id, step, due, article, status, authority_id, _, _ = row
    return CaseEvent(case_id=case_id, at=now, action="deadline_overdue", actor_label="system", from_status=status,
                     to_status=status, authority_id=authority_id, article=article,
                     reason=f"the {step} period ran out at {timezone.localtime(due).isoformat()}; escalated",
                     data={"step": step, "due": due.isoformat()})


def _send_digests(digests, now):
    from ombud.notify.services import notify_users
    from ombud.regions.models import Authority

    users = get_user_model().objects.select_related("profile")
    by_authority = defaultdict(list)
    for authority_id, _ in digests:
        by_authority[authority_id]
    for user in users.filter(is_active=True, profile__role="supervisor", profile__authority_id__in=by_authority):
        by_authority[user.profile.authority_id].append(user)
    handlers = {u.pk: u for u in users.filter(pk__in={h for _, h in digests if h})}
    names = dict(Authority.objects.filter(pk__in=by_authority).values_list("pk", "name"))
    per_person = defaultdict(list)  # (user, authority_id) -> lines
    for (authority_id, handler_id), lines in digests.items():
        people = by_authority[authority_id] + ([handlers[handler_id]] if handler_id in handlers else [])
        for user in people:
            per_person[(user, authority_id)].extend(lines)
    stamp = now.isoformat()
    for (user, authority_id), lines in per_person.items():
        shown = "\n".join(lines[:DIGEST_LINES]) + (f"\n… +{len(lines) - DIGEST_LINES}" if len(lines) > DIGEST_LINES
                                                   else "")
        notify_users(users=[user], recipient="supervisor" if user.profile.role == "supervisor" else "handler",
                     template="overdue_digest", dedupe_prefix=f"overdue:{stamp}:{authority_id}",
                     context={"count": len(lines), "authority": names.get(authority_id, ""), "lines": shown})
