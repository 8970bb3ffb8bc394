"""Loading a year's holiday arrangement into the calendar table."""
import csv
import datetime as dt
import io
import json
import logging
from dataclasses import dataclass, field
from importlib import metadata

from django.db import transaction
from django.utils import timezone

from . import selectors
from .models import CalendarDay, HolidayArrangement

log = logging.getLogger(__name__)

KINDS = (CalendarDay.HOLIDAY, CalendarDay.WORKDAY)


@dataclass
class Arrangement:
    year: int
    source: str
    days: list = field(default_factory=list)  # (date, kind, name)

    @property
    def holidays(self):
        return [d for d in self.days if d[1] == CalendarDay.HOLIDAY]

    @property
    def workdays(self):
        return [d for d in self.days if d[1] == CalendarDay.WORKDAY]


class ArrangementError(ValueError):
    """Every fault in a file, one per line of the message, each naming where it is."""

    def __init__(self, errors):
        self.errors = errors
        super().__init__("\n".join(errors))


def _check(entries, year, errors):
    """entries: (where, raw date, kind, name). Returns [(date, kind, name)] or fills errors."""
    days, seen = [], {}
    for where, raw, kind, name in entries:
        try:
            day = dt.date.fromisoformat(str(raw or "").strip())
        except ValueError:
            errors.append(f"{where}: bad date {raw!r} (expected YYYY-MM-DD)")
            continue
        kind = str(kind or "").strip().lower()
        if kind not in KINDS:
            errors.append(f"{where}: unknown kind {kind!r} (expected holiday or workday)")
            continue
        if year is not None and day.year != year:
            errors.append(f"{where}: {day} is not in {year}")
            continue
        if kind == CalendarDay.WORKDAY and day.weekday() < 5:
            errors.append(f"{where}: workday {day} is a {day:%A}; an adjusted working day falls on a weekend")
            continue
        if day in seen:
            errors.append(f"{where}: {day} is listed twice (first at {seen[day]})")
            continue
        seen[day] = where
        days.append((day, kind, str(name or "").strip()))
    return sorted(days)


def parse_csv(text, source=""):
    """A `date,kind,name` CSV; the year is that of the first well-formed date."""
    reader = csv.DictReader(io.StringIO(text))
    columns = [c.strip().lower() for c in reader.fieldnames or []]
    if columns[:2] != ["date", "kind"] or (len(columns) > 2 and columns[2] != "name"):
        raise ArrangementError([f"line 1: expected the header date,kind,name, got {','.join(columns)!r}"])
    reader.fieldnames = columns
    entries = [(f"line {line}", row.get("date"), row.get("kind"), row.get("name"))
               for line, row in enumerate(reader, start=2) if any((v or "").strip() for v in row.values() if isinstance(v, str))]
    year = None
    for _, raw, _, _ in entries:
        try:
            year = dt.date.fromisoformat(str(raw).strip()).year
            break
        except ValueError:
            continue
    errors = []
    days = _check(entries, year, errors)
    if not entries:
        errors.append("the file lists no days")
    if errors:
        raise ArrangementError(errors)
    return Arrangement(year, source, days)


def parse_json(text, source=""):
    """{"year": 2027, "source": "...", "holidays": [{"date", "name"}], "workdays": [...]}."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ArrangementError([f"line {exc.lineno}: not valid JSON: {exc.msg}"]) from exc
    if not isinstance(data, dict):
        raise ArrangementError(["the file must hold one JSON object"])
    errors = []
    year = data.get("year")
    if not isinstance(year, int) or not 1900 <= year <= 9999:
        errors.append(f"\"year\": expected a year such as 2027, got {year!r}")
        year = None
    entries = []
    for key, kind in (("holidays", CalendarDay.HOLIDAY), ("workdays", CalendarDay.WORKDAY)):
        items = data.get(key, [])
        if not isinstance(items, list):
            errors.append(f"\"{key}\": expected a list")
            continue
        for i, item in enumerate(items):
            where = f"{key}[{i}]"
            if not isinstance(item, dict):
                errors.append(f"{where}: expected an object with \"date\" and \"name\"")
                continue
            entries.append((f"{where} ({item.get('date')!r})", item.get("date"), kind, item.get("name")))
    days = _check(entries, year, errors)
    if not entries:
        errors.append("the file lists no days")
    if errors:
        raise ArrangementError(errors)
    return Arrangement(year, str(data.get("source") or source), days)


def parse_arrangement(text, source=""):
    """A CSV or JSON arrangement (JSON if the text starts with '{'). Raises ArrangementError."""
    text = text.lstrip("\ufeff")
    if text.lstrip().startswith("{"):
        return parse_json(text, source)
    return parse_csv(text, source)


@transaction.atomic
def save_arrangement(arrangement, official=True):
    """Replace the year's rows with the arrangement; then the cache and `on_year_loaded`."""
    row, _ = HolidayArrangement.objects.update_or_create(
        year=arrangement.year,
        defaults={"source": arrangement.source, "official": official, "loaded_at": timezone.now()})
    row.days.all().delete()
    CalendarDay.objects.filter(date__year=arrangement.year).delete()  # strays filed under another year
    CalendarDay.objects.bulk_create(
        CalendarDay(date=day, kind=kind, name=name, arrangement=row) for day, kind, name in arrangement.days)
    selectors.clear_cache()  # this process sees the new days at once (also inside the transaction)
    transaction.on_commit(lambda: _loaded(arrangement.year))
    return row


def _loaded(year):
    selectors.clear_cache()
    on_year_loaded(year)


def load_arrangement(text, source="", official=True):
    """Validate and store one year's arrangement; nothing is written if any line is wrong."""
    arrangement = parse_arrangement(text, source)
    save_arrangement(arrangement, official=official)
    return arrangement


def packaged_arrangement(year):
    """The `chinese-calendar` package's arrangement for a year it covers, as an Arrangement."""
    if year not in selectors.PACKAGE_YEARS:
        raise ValueError(f"the chinese-calendar package does not cover {year}")
    cal = selectors._package_year(year)
    days = [(d, CalendarDay.HOLIDAY, n) for d, n in cal.holidays.items()]
    days += [(d, CalendarDay.WORKDAY, n) for d, n in cal.workdays.items()]
    version = metadata.version("chinesecalendar")
    return Arrangement(year, f"chinese-calendar {version}", sorted(days))


def on_year_loaded(year):
    """Recompute every open deadline the year touches (DESIGN.md: "recompute it when the year's
    arrangement is loaded"); returns how many changed. Runs in this process, so the command
    that loaded the year reports the result and no worker needs to be running."""
    from ombud.workflow.alerts import forget
    from ombud.workflow.recompute import recompute_year

    forget()
    changed = recompute_year(year)
    log.info("holiday arrangement for %s loaded; %s open deadlines recomputed", year, changed)
    return changed
