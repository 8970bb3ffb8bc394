"""Administrators hear once per year when deadlines had to be computed without that year's calendar."""
from ombud.workdays.selectors import year_calendar

_alerted = set()  # per process; the outbox's dedupe key makes it once per installation


def calendar_missing(deadline):
    from ombud.notify.services import alert_admins

    first = deadline.due.year - 1
    for year in range(first, deadline.last_day.year + 1):
        if year in _alerted or not year_calendar(year).provisional:
            continue
        _alerted.add(year)
        alert_admins(key=f"calendar-missing:{year}", template="calendar_missing", context={"year": year})


def forget():
    _alerted.clear()
