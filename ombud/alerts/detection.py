"""Daily early-warning detection: every active DetectionRule's method run over its level's series, for one day.

For each rule the series of its level are read from the analytical store for the `window` days that end on
the day checked (selectors.SERIES), laid out as one (series × days) array, and the method of
ombud.analytics.surveillance.METHODS is run on the whole batch. A series whose count on the day passes the
method's threshold raises one Alert, with the last 60 days of counts, expectations and thresholds for its
chart. Running a day again raises only the alerts not raised yet, and never touches a decided one.
"""
import datetime as dt
import logging
import math
from dataclasses import dataclass, field

import numpy as np
from django.db import transaction
from django.utils import timezone

from ombud.analytics.surveillance import METHODS
from ombud.regions.services import path_of

from . import selectors
from .models import Alert, DetectionRule

CHART_DAYS = 60
log = logging.getLogger(__name__)


@dataclass
class Summary:
    day: dt.date
    checked: dict = field(default_factory=dict)  # level -> series checked
    raised: dict = field(default_factory=dict)  # level -> alerts raised now
    as_of: dt.datetime | None = None
    behind: bool = False  # the store had not caught up with the end of the day
    failed: list = field(default_factory=list)  # rules that could not run (bad parameters), with the reason

    @property
    def series(self):
        return sum(self.checked.values())

    @property
    def alerts(self):
        return sum(self.raised.values())


def yesterday():
    return timezone.localdate() - dt.timedelta(days=1)


def matrix(series, start, end):
    """(keys, scopes, counts) with counts an int array (series, days) over start..end inclusive."""
    days = (end - start).days + 1
    keys = sorted(series)
    counts = np.zeros((len(keys), days), dtype=float)
    for i, key in enumerate(keys):
        for day, n in series[key].counts.items():
            j = (day - start).days
            if 0 <= j < days:
                counts[i, j] += n
    return keys, [series[k].scope for k in keys], counts


def _number(x, places=2):
    x = float(x)
    return round(x, places) if math.isfinite(x) else None


def chart_series(start, counts, result, i):
    """The last CHART_DAYS days of one series: [{day, n, expected, threshold}] (None where the method had no
    history yet)."""
    days = counts.shape[1]
    first = max(0, days - CHART_DAYS)
    return [{"day": (start + dt.timedelta(days=j)).isoformat(), "n": int(counts[i, j]),
             "expected": _number(result.expected[i, j]), "threshold": _number(result.threshold[i, j])}
            for j in range(first, days)]


def run_rule(rule, day):
    """(series checked, [unsaved Alert]) for one rule on one day."""
    start = day - dt.timedelta(days=rule.window - 1)
    series = selectors.SERIES[rule.level](start=start, end=day, min_count=rule.min_count)
    keys, scopes, counts = matrix(series, start, day)
    if not keys:
        return 0, []
    result = METHODS[rule.method](counts, **(rule.params or {}))
    alerts = []
    for i in np.flatnonzero(result.alarm[:, -1]):
        alerts.append(Alert(
            level=rule.level, key=keys[i], scope=scopes[i], scope_path=path_of(scopes[i]), day=day,
            observed=int(counts[i, -1]), expected=_number(result.expected[i, -1], 3),
            threshold=_number(result.threshold[i, -1], 3), statistic=_number(result.statistic[i, -1], 3),
            method=rule.method, rule_version=rule.version, series=chart_series(start, counts, result, i)))
    return len(keys), alerts


def detect(*, day=None, levels=None):
    """Run every active rule for `day` (default: yesterday, local date). Returns a Summary."""
    day = day or yesterday()
    summary = Summary(day=day, as_of=selectors.store_as_of())
    end_of_day = timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time()))
    summary.behind = summary.as_of is None or summary.as_of < end_of_day
    rules = DetectionRule.objects.filter(active=True).order_by("level", "method")
    if levels:
        rules = rules.filter(level__in=levels)
    for rule in rules:
        try:
            checked, alerts = run_rule(rule, day)
        except (TypeError, ValueError) as exc:  # a rule an administrator mistyped must not stop the others
            log.exception("early-warning rule %s failed for %s", rule.pk, day)
            summary.failed.append(f"{rule.level}/{rule.method}: {exc}")
            continue
        summary.checked[rule.level] = summary.checked.get(rule.level, 0) + checked
        summary.raised[rule.level] = summary.raised.get(rule.level, 0) + _save(rule, day, alerts)
    return summary


def _save(rule, day, alerts):
    """Save the alerts not raised before; returns how many were new."""
    if not alerts:
        return 0
    with transaction.atomic():
        known = set(Alert.objects.filter(level=rule.level, day=day, method=rule.method,
                                         key__in=[a.key for a in alerts]).values_list("key", flat=True))
        fresh = [a for a in alerts if a.key not in known]
        Alert.objects.bulk_create(fresh, ignore_conflicts=True)
    return len(fresh)
