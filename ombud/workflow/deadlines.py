"""Statutory clocks on cases: start, meet, pause, resume, extend, recompute.

The period of each step (days, unit, article, pausable) comes from the case's rule set;
the arithmetic from `workdays.selectors`. A clock is recomputed from scratch — start,
days, pauses — so a corrected calendar or an approved extension gives the same answer
as if it had been known from the start.
"""
import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext_noop

from ombud.core.errors import DomainError
from ombud.workdays import selectors as calendar

from .models import CaseDeadline


def period(case, step):
    spec = case.rule_set.period(step) if case.rule_set else None
    if spec is None:
        raise DomainError(f"rule set {case.rule_set} defines no period for {step!r}", field="step")
    return spec


def compute(unit, started_at, days, pauses=()):
    """The Deadline for a clock started at `started_at`, with its closed pauses added back."""
    deadline = (calendar.add_working_days if unit == calendar.WORKING else calendar.add_calendar_days)(started_at, days)
    for paused_from, resumed_at in pauses:
        deadline = calendar.extend_for_pause(deadline, _when(paused_from), _when(resumed_at))
    return deadline


def _when(value):
    return dt.datetime.fromisoformat(value) if isinstance(value, str) else value


def build(case, step, *, at, days=None):
    """An unsaved clock for `step` starting at `at`; `days` overrides the rule set (a notice's own limit)."""
    spec = period(case, step)
    days = spec["days"] if days is None else days
    deadline = compute(spec["unit"], at, days)
    if deadline.provisional:
        from .alerts import calendar_missing

        calendar_missing(deadline)
    return CaseDeadline(case=case, step=step, article=f"{case.rule_set.code} {spec['article']}", unit=spec["unit"],
                        days=days, started_at=at, due=deadline.due, provisional=deadline.provisional)


def start(case, step, *, at, days=None):
    clock = build(case, step, at=at, days=days)
    clock.save(force_insert=True)
    return clock


def next_due(case):
    """The earliest due of the case's open clocks (None when none is open): `Case.next_due`."""
    from django.db.models import Min

    return CaseDeadline.objects.filter(case=case, met_at__isnull=True).aggregate(m=Min("due"))["m"]


def sync_next_due(case_ids):
    """Set each case's `next_due` in one statement, for bulk changes (a recomputed calendar year);
    `workflow.services.perform` sets it with the case's own save after each action."""
    from django.db.models import Min, OuterRef, Subquery

    from ombud.cases.models import Case

    earliest = (CaseDeadline.objects.filter(case=OuterRef("pk"), met_at__isnull=True).order_by()
                .values("case").annotate(m=Min("due")).values("m"))
    Case.objects.filter(pk__in=case_ids).update(next_due=Subquery(earliest))


def meet(case, steps, *, at):
    """Close the open clocks of `steps` (a paused one too: its step is done). Returns their steps."""
    clocks = list(CaseDeadline.objects.filter(case=case, step__in=steps, met_at__isnull=True))
    for clock in clocks:
        if clock.paused_at is not None:
            _close_pause(clock, at)
        clock.met_at = at
        clock.save(update_fields=["met_at", "pauses", "paused_at", "due", "provisional"])
    return [c.step for c in clocks]


def pausable_clock(case):
    """The open clock a testing or appraisal pause applies to, or None."""
    clocks = CaseDeadline.objects.filter(case=case, met_at__isnull=True).order_by("started_at")
    return next((c for c in clocks if period(case, c.step).get("pausable")), None)


def pause(clock, *, at):
    if clock.paused_at is not None:
        raise DomainError(gettext_noop("the %(step)s clock is already paused"), params={"step": clock.step})
    clock.paused_at = at
    clock.save(update_fields=["paused_at"])


def resume(clock, *, at):
    if clock.paused_at is None:
        raise DomainError(gettext_noop("the %(step)s clock is not paused"), params={"step": clock.step})
    _close_pause(clock, at)
    clock.save(update_fields=["pauses", "paused_at", "due", "provisional"])


def _close_pause(clock, at):
    clock.pauses = [*clock.pauses, [clock.paused_at.isoformat(), at.isoformat()]]
    clock.paused_at = None
    _refresh(clock)


def extend(clock, *, days):
    clock.days += days
    clock.extended = True
    _refresh(clock)
    clock.save(update_fields=["days", "extended", "due", "provisional"])


def _refresh(clock):
    deadline = compute(clock.unit, clock.started_at, clock.days, clock.pauses)
    clock.due, clock.provisional = deadline.due, deadline.provisional


def recompute(clocks):
    """Recompute open clocks (after a year's arrangement is loaded); returns how many changed."""
    changed = []
    for clock in clocks:
        before = (clock.due, clock.provisional)
        _refresh(clock)
        if (clock.due, clock.provisional) != before:
            changed.append(clock)
    CaseDeadline.objects.bulk_update(changed, ["due", "provisional"], batch_size=2000)
    sync_next_due({c.case_id for c in changed})
    return len(changed)


def view(clock, now=None):
    """The API's view of a clock."""
    now = now or timezone.now()
    running = clock.met_at is None and clock.paused_at is None
    # Shown as the last second of the last day (23:59:59 local): the period ends at 24:00 that day.
    return {
        "step": clock.step, "due": calendar.last_second(clock.due),
        "last_day": clock.last_day, "provisional": clock.provisional,
        "paused": clock.paused_at is not None, "overdue": (now >= clock.due) if running else
        (clock.met_at is not None and clock.met_at >= clock.due),
        "met_at": clock.met_at, "started_at": clock.started_at, "days": clock.days, "unit": clock.unit,
        "article": clock.article, "extended": clock.extended, "escalated": clock.escalated_at is not None,
    }
