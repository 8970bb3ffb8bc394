"""The working-day calendar and statutory deadline arithmetic (DESIGN.md, "Deadline arithmetic").

Where a year's days come from, in order:

1. the `HolidayArrangement` table (loaded with `ombud calendar load`, editable in the
   admin): a year with a row is defined by the table alone;
2. the `chinese-calendar` package, which carries the official arrangements 2004–2026;
3. neither: the year is *not loaded* and answers are PROVISIONAL — weekends plus the
   fixed-date statutory holidays below. The lunar holidays (春节, 端午, 中秋) and the
   State Council's bridging days and adjusted working days cannot be known until the
   year's notice is published, which is exactly why such answers are provisional.

An arrangement row with `official=False` is used as it stands but also yields
provisional answers.

Lookups go through a per-process cache of one `YearCalendar` per year (sorted working
days, so a deadline costs a bisect, not a query per day). The table is re-read after
`_TTL` seconds, and at once in this process after `clear_cache()` (which
`calendar load` and the admin call).
"""
import bisect
import datetime as dt
import threading
import time
from dataclasses import dataclass, field, replace
from zoneinfo import ZoneInfo

import chinese_calendar
from django.conf import settings

from .models import CalendarDay, HolidayArrangement

WORKING = "working"
CALENDAR = "calendar"

# Fixed-date statutory holidays (全国年节及纪念日放假办法, Art. 2) used for years with no
# arrangement: (month, day, name, first year in force). 劳动节 gained 2 May from 2025
# (国务院令第795号, 2024). The lunar holidays and 清明 are deliberately absent: their dates
# and the bridging days around them come only with the year's official notice.
FIXED_DATE_HOLIDAYS = (
    (1, 1, "元旦", None),
    (5, 1, "劳动节", None),
    (5, 2, "劳动节", 2025),
    (10, 1, "国庆节", None),
    (10, 2, "国庆节", None),
    (10, 3, "国庆节", None),
)

_PACKAGE_NAMES = {h.value: h.chinese for h in chinese_calendar.Holiday}
PACKAGE_YEARS = frozenset(d.year for d in chinese_calendar.holidays)  # 2004–2026 in 1.11

TABLE, PACKAGE, PROVISIONAL = "table", "package", "provisional"


@dataclass(frozen=True)
class YearCalendar:
    year: int
    origin: str  # TABLE, PACKAGE or PROVISIONAL
    provisional: bool
    holidays: dict  # date -> name: days off (weekend days inside a holiday block included)
    workdays: dict  # date -> name: adjusted weekend working days (调休)
    ordinals: tuple = field(repr=False)  # sorted ordinals of every working day of the year

    def is_workday(self, day):
        if day in self.workdays:
            return True
        if day in self.holidays:
            return False
        return day.weekday() < 5


def _build(year, origin, provisional, holidays, workdays):
    first = dt.date(year, 1, 1).toordinal()
    last = dt.date(year, 12, 31).toordinal()
    partial = YearCalendar(year, origin, provisional, holidays, workdays, ())
    ordinals = tuple(o for o in range(first, last + 1) if partial.is_workday(dt.date.fromordinal(o)))
    return replace(partial, ordinals=ordinals)


def _package_year(year):
    holidays = {d: _PACKAGE_NAMES.get(n, n or "") for d, n in chinese_calendar.holidays.items() if d.year == year}
    workdays = {d: _PACKAGE_NAMES.get(n, n or "") for d, n in chinese_calendar.workdays.items()
                if d.year == year and d.weekday() >= 5}
    return _build(year, PACKAGE, False, holidays, workdays)


def _provisional_year(year):
    holidays = {dt.date(year, m, d): name for m, d, name, since in FIXED_DATE_HOLIDAYS
                if since is None or year >= since}
    return _build(year, PROVISIONAL, True, holidays, {})


# ---- the cache -------------------------------------------------------------------------

_TTL = 60  # seconds; an admin's correction reaches every process within this
_lock = threading.Lock()
_state = {"at": None, "table": {}, "years": {}}


def clear_cache():
    """Forget everything; the next lookup re-reads the table (call after a load or an edit)."""
    with _lock:
        _state["at"] = None


def _table():
    now = time.monotonic()
    at = _state["at"]
    if at is None or now - at > _TTL:
        with _lock:
            table = {a.year: (a, {}, {}) for a in HolidayArrangement.objects.all()}
            for day in CalendarDay.objects.values("date", "kind", "name", "arrangement__year"):
                entry = table.get(day["arrangement__year"])
                if entry is None or day["date"].year != day["arrangement__year"]:
                    continue  # a day filed under the wrong year is ignored, not guessed at
                (entry[1] if day["kind"] == CalendarDay.HOLIDAY else entry[2])[day["date"]] = day["name"]
            _state.update(at=now, table=table, years={})
    return _state["table"]


def year_calendar(year):
    """The `YearCalendar` for a year, from the table, the package or provisional rules."""
    table = _table()
    years = _state["years"]
    cal = years.get(year)
    if cal is None:
        if year in table:
            arrangement, holidays, workdays = table[year]
            cal = _build(year, TABLE, not arrangement.official, holidays, workdays)
        elif year in PACKAGE_YEARS:
            cal = _package_year(year)
        else:
            cal = _provisional_year(year)
        years[year] = cal
    return cal


def missing_years(from_year, to_year):
    """Years in [from_year, to_year] with no arrangement (neither the table nor the package)."""
    table = _table()
    return [y for y in range(from_year, to_year + 1) if y not in table and y not in PACKAGE_YEARS]


# ---- days ------------------------------------------------------------------------------

def local_tz():
    return ZoneInfo(settings.TIME_ZONE)


def local_date(moment):
    """The local (settings.TIME_ZONE) date of an aware datetime; a date is returned as is."""
    if isinstance(moment, dt.datetime):
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValueError("an aware datetime is required")
        return moment.astimezone(local_tz()).date()
    return moment


def is_workday(day):
    """(is it a working day, is that answer provisional) for a date or an aware datetime."""
    day = local_date(day)
    cal = year_calendar(day.year)
    return cal.is_workday(day), cal.provisional


def next_workday(day):
    """(the first working day on or after `day`, provisional)."""
    day = local_date(day)
    provisional = False
    while True:
        cal = year_calendar(day.year)
        i = bisect.bisect_left(cal.ordinals, day.toordinal())
        provisional = provisional or cal.provisional
        if i < len(cal.ordinals):
            return dt.date.fromordinal(cal.ordinals[i]), provisional
        day = dt.date(day.year + 1, 1, 1)


def _advance_working(after, n):
    """(the n-th working day after the date `after`, provisional); n=0 gives `after`."""
    if n < 0:
        raise ValueError("n must not be negative")
    if n == 0:
        return after, False
    year, ordinal, remaining, provisional = after.year, after.toordinal(), n, False
    while True:
        cal = year_calendar(year)
        i = bisect.bisect_right(cal.ordinals, ordinal)
        if ordinal < dt.date(year, 12, 31).toordinal():
            provisional = provisional or cal.provisional  # some counted day lies in this year
        available = len(cal.ordinals) - i
        if remaining <= available:
            return dt.date.fromordinal(cal.ordinals[i + remaining - 1]), provisional
        remaining -= available
        year += 1
        ordinal = dt.date(year, 1, 1).toordinal() - 1


def count_working_days(after, through):
    """(working days d with after < d <= through, provisional) for two dates."""
    if through <= after:
        return 0, False
    count, provisional = 0, False
    for year in range(after.year, through.year + 1):
        cal = year_calendar(year)
        lo = bisect.bisect_right(cal.ordinals, after.toordinal())
        hi = bisect.bisect_right(cal.ordinals, through.toordinal())
        count += hi - lo
        provisional = provisional or cal.provisional
    return count, provisional


# ---- deadlines -------------------------------------------------------------------------

@dataclass(frozen=True)
class Deadline:
    """A statutory deadline.

    `due` is the aware datetime at which the period has run out: 24:00 local time
    (settings.TIME_ZONE) of `last_day`, represented as 00:00 local of the following day.
    Compare with `now >= due` for "overdue". `provisional` is True when the answer
    depended on a year with no (official) arrangement. `nominal_last_day` is the last day
    before a calendar-day period was moved off a non-working day (equal to `last_day`
    for working-day periods); pause extensions count from it.
    """

    due: dt.datetime
    last_day: dt.date
    provisional: bool
    unit: str = WORKING
    nominal_last_day: dt.date | None = None


def _due(last_day):
    return dt.datetime.combine(last_day + dt.timedelta(days=1), dt.time(0), tzinfo=local_tz())


def last_second(due):
    """23:59:59 local on the last day of a period that runs out at `due`: how a due instant is shown."""
    return due.astimezone(local_tz()) - dt.timedelta(seconds=1)


def last_day_of(due):
    """The last day (in settings.TIME_ZONE) of a period that runs out at `due`, the inverse of `_due`.
    Every page, message and document shows this day: `due` itself is 00:00 of the day after."""
    return None if due is None else last_second(due).date()


def add_working_days(start, n):
    """The deadline `n` working days after `start` (an aware datetime, or a local date).

    The start day is not counted; the period ends at 24:00 local time of the n-th working
    day after it (see `Deadline.due`). Provisional if any counted day lies in a year
    with no official arrangement.
    """
    last_day, provisional = _advance_working(local_date(start), n)
    return Deadline(_due(last_day), last_day, provisional, WORKING, last_day)


def _calendar_deadline(nominal, provisional=False):
    last_day, rolled_provisional = next_workday(nominal)
    return Deadline(_due(last_day), last_day, provisional or rolled_provisional, CALENDAR, nominal)


def add_calendar_days(start, n):
    """The deadline `n` calendar days after `start` (an aware datetime, or a local date).

    The start day is not counted; if the n-th day is not a working day the period runs
    to the next working day. Provisional if whether a day is a working day was looked up
    in a year with no official arrangement (the n-th day and any day it rolled over):
    counting calendar days does not depend on the calendar.
    """
    if n < 0:
        raise ValueError("n must not be negative")
    return _calendar_deadline(local_date(start) + dt.timedelta(days=n))


def extend_for_pause(deadline, paused_from, resumed_at, unit=None):
    """The deadline with the time the clock was paused (testing, appraisal) added back.

    The pause covers the local days after the day of `paused_from` up to and including
    the day of `resumed_at` — the same "start day not counted" rule as the period itself:
    the day the clock stopped was already counted, the day it restarts is not. A pause
    that starts and ends on the same day adds nothing.

    - working-day periods (`unit="working"`): the working days in the pause are added
      after the current last day;
    - calendar-day periods (`unit="calendar"`): the calendar days in the pause are added
      to the nominal last day, which then moves off a non-working day again.

    `unit` defaults to the deadline's own. Several pauses: apply one after another.
    """
    unit = unit or deadline.unit
    start, end = local_date(paused_from), local_date(resumed_at)
    if end <= start:
        return deadline
    if unit == WORKING:
        lost, pause_provisional = count_working_days(start, end)
        last_day, provisional = _advance_working(deadline.last_day, lost)
        return Deadline(_due(last_day), last_day, deadline.provisional or pause_provisional or provisional,
                        WORKING, last_day)
    if unit == CALENDAR:
        nominal = (deadline.nominal_last_day or deadline.last_day) + (end - start)
        return _calendar_deadline(nominal, deadline.provisional)
    raise ValueError(f"unknown unit {unit!r}; expected {WORKING!r} or {CALENDAR!r}")
