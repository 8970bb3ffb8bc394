"""Template filters for statutory clocks: `{% load clocks %}`."""
from django import template

from ombud.workdays.selectors import last_day_of

register = template.Library()


@register.filter
def last_day(due):
    """The last day of a period that runs out at `due` (`Case.next_due`, `CaseDeadline.due`).
    `due` is 00:00 of the following day: `{{ due|date }}` would show one day too late."""
    return last_day_of(due) if due else due


@register.filter
def step_label(step):
    """A clock's step in the reader's language."""
    from ombud.cases.plain import STEPS

    return STEPS.get(step, step)
