"""The deadline table of a case page: one row per statutory step, in its true state.

A step can have several clocks over a case's life: choosing the ODR lane closes the acceptance
clock intake started, and escalating from the lane starts a new one. The row shows the step's
current clock; the older ones are its history. A clock closed by a step that decided nothing
(the ODR lane was chosen, the complaint was withdrawn) is not "met".
"""
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ombud.cases import plain

from . import deadlines

RUNNING, PAUSED, OVERDUE, MET, LAPSED, SET_ASIDE, NOT_STARTED = (
    "running", "paused", "overdue", "met", "lapsed", "set_aside", "not_started")
STATES = {
    RUNNING: (_("running"), ""),
    PAUSED: (_("paused"), "paused"),
    OVERDUE: (_("overdue"), "overdue"),  # open, and its period has run out
    MET: (_("done"), "ok"),
    LAPSED: (_("closed after the deadline"), "overdue"),  # met, but only after its period ran out
    SET_ASIDE: (_("ended without a decision"), ""),
    NOT_STARTED: (_("not started"), ""),
}
OPEN_STATES = {RUNNING, PAUSED, OVERDUE}  # only these carry the provisional mark: a closed clock's date is final

# Events that close clocks without deciding their step.
SETS_ASIDE = {"odr_forwarded", "withdrawn"}
# Table order; steps missing here follow in the order they started.
ORDER = ["odr", "acceptance", "identity", "mediation", "termination_notice", "violation_check",
         "verification", "reporter_notice", "case_decision", "jurisdiction_dispute"]
# The steps a case still has ahead in these states: shown as "not started" until their clock starts.
_BEFORE_ACCEPTANCE = {"pending_dispatch", "received", "odr", "odr_failed"}
AHEAD = {"complaint": {"acceptance": _BEFORE_ACCEPTANCE, "mediation": _BEFORE_ACCEPTANCE | {"accepted"}},
         "report": {"verification": {"pending_dispatch", "received"}}}


def state(clock, set_aside_at=(), now=None):
    now = now or timezone.now()
    if clock.met_at is None:
        if clock.paused_at is not None:
            return PAUSED
        return OVERDUE if now >= clock.due else RUNNING
    if clock.met_at in set_aside_at:
        return SET_ASIDE
    return LAPSED if clock.met_at >= clock.due else MET


def _with_state(values, name):
    label, badge = STATES[name]
    return {**values, "state": name, "state_label": label, "badge": badge}


def deadline_rows(case, now=None):
    """The case's deadline table (reads the prefetched `deadlines` and `events`)."""
    now = now or timezone.now()
    clocks = list(case.deadlines.all())
    set_aside_at = {e.at for e in case.events.all() if e.action in SETS_ASIDE}
    by_step = {}
    for clock in sorted(clocks, key=lambda c: (c.started_at, c.pk or 0)):
        by_step.setdefault(clock.step, []).append(clock)
    ahead = {step for step, states in AHEAD.get(case.kind, {}).items() if case.status in states}
    for step in ahead:
        by_step.setdefault(step, [])
    rows = []
    for step, step_clocks in by_step.items():
        states = [state(c, set_aside_at, now) for c in step_clocks]
        decided = [i for i, s in enumerate(states) if s != SET_ASIDE]
        current = next((i for i, c in enumerate(step_clocks) if c.met_at is None), decided[-1] if decided else None)
        history = [_with_state({**deadlines.view(c, now), "note": _note(states[i], c, case)}, states[i])
                   for i, c in enumerate(step_clocks) if i != current]
        if current is None:
            row = _with_state(_not_started(case, step), NOT_STARTED if step in ahead else SET_ASIDE)
        else:
            row = _with_state(deadlines.view(step_clocks[current], now), states[current])
        row.update(label=plain.STEPS.get(step, step), history=history,
                   provisional=row["provisional"] and row["state"] in OPEN_STATES)
        rows.append(row)
    rank = {step: i for i, step in enumerate(ORDER)}
    return sorted(rows, key=lambda r: rank.get(r["step"], len(ORDER)))


def _not_started(case, step):
    spec = (case.rule_set.period(step) if case.rule_set else None) or {}
    return {"step": step, "last_day": None, "due": None, "provisional": False, "paused": False, "overdue": False,
            "met_at": None, "started_at": None, "days": spec.get("days"), "unit": spec.get("unit", ""),
            "article": f"{case.rule_set.code} {spec['article']}" if spec.get("article") else "",
            "extended": False, "escalated": False}


def _note(name, clock, case):
    """Why an older clock closed, in a few words (the event that closed it)."""
    if name != SET_ASIDE:
        return ""
    event = next((e for e in case.events.all() if e.at == clock.met_at and e.action in SETS_ASIDE), None)
    return plain.EVENTS.get(event.action, "") if event else ""
