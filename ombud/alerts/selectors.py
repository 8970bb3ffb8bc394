"""Queries: the daily series detection reads (from the analytical store, never the case tables), and the
alerts and warnings a reader may see.

Series are complaints per local day. By region they come from the store's `volume` cube; by category and
issue, and by respondent, the cubes hold months only, so the daily rollups are made here from the store's
case mirror (cases/YYYY-MM.parquet), reading only the months that overlap the window.
"""
import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.translation import get_language

from ombud.analytics import selectors as analytics
from ombud.analytics import store
from ombud.core.errors import NotFound

from .models import Alert, AlertStatus, ConsumerWarning, Level, WarningStatus

NATION = "100000"
KIND = "complaint"  # every series counts complaints


@dataclass
class Series:
    """One daily series: its key, the region it belongs to, and {day: n} (days without cases absent)."""

    key: str
    scope: str
    counts: dict = field(default_factory=dict)


def _add(out, key, scope, day, n):
    s = out.get(key)
    if s is None:
        s = out[key] = Series(key=key, scope=scope)
    s.counts[day] = s.counts.get(day, 0) + int(n)


# ---- series from the store -----------------------------------------------------------------------

def region_series(*, start, end, min_count=0):
    """Provinces (for the nation) and prefectures (inside each province), from the volume cube.

    A province series belongs to its province, a prefecture series to its province. Cases held by a
    province-level authority carry the province as their prefecture: they count in the province series only."""
    out = {}
    provinces = analytics.query(
        "volume", "province, day, SUM(n)", region=NATION, start=start, end=end,
        extra="AND kind = ? AND province IS NOT NULL", extra_params=[KIND], group="province, day")
    for province, day, n in provinces.rows:
        _add(out, province, province, day, n)
    prefectures = analytics.query(
        "volume", "province, prefecture, day, SUM(n)", region=NATION, start=start, end=end,
        extra="AND kind = ? AND prefecture IS NOT NULL AND prefecture <> province", extra_params=[KIND],
        group="province, prefecture, day")
    for province, prefecture, day, n in prefectures.rows:
        _add(out, prefecture, province, day, n)
    return _at_least(out, min_count)


def _mirror(sql, start, end, params=()):
    """Run `sql` with {cases} standing for the window's complaints in the case mirror."""
    files = store.month_files("cases", start, end)
    if not files:
        return []
    cases = (f"(SELECT * FROM read_parquet({files!r}) WHERE kind = ? AND day BETWEEN ? AND ?)")
    con = store.duck()
    try:
        return con.execute(sql.format(cases=cases), [KIND, start, end, *params]).fetchall()
    finally:
        con.close()


def category_series(*, start, end, min_count=0):
    """Complaints per goods/service category × issue type and day, nationwide."""
    rows = _mirror("SELECT category, issue, day, COUNT(*) FROM {cases} "
                   "WHERE category <> '' AND issue <> '' GROUP BY 1, 2, 3", start, end)
    out = {}
    for category, issue, day, n in rows:
        _add(out, f"{category}:{issue}", NATION, day, n)
    return _at_least(out, min_count)


def respondent_series(*, start, end, min_count=10):
    """Complaints per respondent and day, for respondents with at least `min_count` complaints in the window
    (bounding the work: most businesses have a handful a year). A respondent belongs to the province that
    handled all its complaints in the window, or else to the nation."""
    rows = _mirror("""
        WITH c AS {cases},
        kept AS (SELECT respondent_id, MIN(province) AS lo, MAX(province) AS hi, COUNT(province) AS placed,
                        COUNT(*) AS n
                 FROM c WHERE respondent_id IS NOT NULL GROUP BY 1 HAVING COUNT(*) >= ?)
        SELECT c.respondent_id, CASE WHEN kept.lo = kept.hi AND kept.placed = kept.n THEN kept.lo END, c.day,
               COUNT(*)
        FROM c JOIN kept USING (respondent_id) GROUP BY 1, 2, 3""", start, end, [int(min_count)])
    out = {}
    for respondent, province, day, n in rows:
        _add(out, str(respondent), province or NATION, day, n)
    return out


def _at_least(series, min_count):
    return {k: s for k, s in series.items() if sum(s.counts.values()) >= min_count} if min_count else series


SERIES = {Level.RESPONDENT: respondent_series, Level.CATEGORY: category_series, Level.REGION: region_series}


def store_as_of():
    """When the store last caught up with the case tables (None: never built)."""
    m = store.manifest()
    return dt.datetime.fromisoformat(m["as_of"]) if m and m.get("as_of") else None


# ---- who sees what ------------------------------------------------------------------------------

DECIDERS = {"supervisor", "admin"}


def scope_path_of(actor):
    """The region path whose alerts and warnings this actor works on: their authority's ("" for the nation),
    "" for an administrator with no authority, None for anyone else (they see nothing)."""
    if actor.role not in DECIDERS:
        return None
    if actor.authority is not None:
        return actor.authority.path
    user = actor.user
    return "" if actor.role == "admin" or (user is not None and user.is_superuser) else None


def visible_alerts(actor):
    """The alerts of the actor's subtree: those whose scope lies in it, and (for a prefecture's supervisor, below
    every scope) the regional alerts about a region in it."""
    path = scope_path_of(actor)
    if path is None:
        return Alert.objects.none()
    qs = Alert.objects.all()
    return qs.filter(Q(scope_path__startswith=path) | Q(level=Level.REGION, key__startswith=path)) if path else qs


def alert_queue(*, actor, status=AlertStatus.OPEN, level=""):
    qs = visible_alerts(actor)
    if status:
        qs = qs.filter(status=status)
    if level:
        qs = qs.filter(level=level)
    return qs.order_by("-day", "-statistic", "-id")


def get_alert(*, actor, pk):
    alert = visible_alerts(actor).filter(pk=pk).select_related("decided_by").first()
    if alert is None:
        raise NotFound("no such alert")
    return alert


def visible_warnings(actor):
    path = scope_path_of(actor)
    if path is None:
        return ConsumerWarning.objects.none()
    qs = ConsumerWarning.objects.all()
    return qs.filter(scope_path__startswith=path) if path else qs


def get_warning(*, actor, pk):
    warning = (visible_warnings(actor).filter(pk=pk)
               .select_related("drafted_by", "approved_by", "source_alert", "rule_set").first())
    if warning is None:
        raise NotFound("no such warning")
    return warning


def published_warnings():
    return ConsumerWarning.objects.filter(status=WarningStatus.PUBLISHED).order_by("-published_at", "-id")


def published_warning(pk):
    warning = published_warnings().filter(pk=pk).select_related("rule_set").first()
    if warning is None:
        raise NotFound("no such warning")
    return warning


# ---- names ---------------------------------------------------------------------------------------

def english():
    return (get_language() or "").startswith("en")


def describe(alerts):
    """{alert id: what the series is} in the reader's language: the business's name, the category and issue
    names from the taxonomy, or the region's name; one query per kind of name."""
    from ombud.businesses.models import Business
    from ombud.taxonomy.models import Term

    alerts = list(alerts)
    ids = {int(a.key) for a in alerts if a.level == Level.RESPONDENT and a.key.isascii() and a.key.isdigit()}
    businesses = dict(Business.objects.filter(pk__in=ids).values_list("pk", "name")) if ids else {}
    codes = {a.key for a in alerts if a.level == Level.REGION} | {a.scope for a in alerts}
    regions = region_names(codes)
    en = english()
    terms = {(t.scheme, t.code): (t.name_en if en else t.name_zh) for t in Term.objects.filter(
        scheme__in=["category", "issue"])} if any(a.level == Level.CATEGORY for a in alerts) else {}
    out = {}
    for a in alerts:
        if a.level == Level.RESPONDENT:
            out[a.pk] = businesses.get(int(a.key), a.key) if a.key.isascii() and a.key.isdigit() else a.key
        elif a.level == Level.CATEGORY:
            category, _sep, issue = a.key.partition(":")
            out[a.pk] = f"{terms.get(('category', category), category)} · {terms.get(('issue', issue), issue)}"
        else:
            out[a.pk] = regions.get(a.key, a.key)
    return out


def region_names(codes):
    """{code: name}: the full name for a prefecture (so Shanghai's 市辖区 reads 上海市市辖区), the nation named."""
    from django.utils.translation import gettext

    from ombud.regions.models import Region

    out = {}
    for code, name, full, level in Region.objects.filter(code__in=[c for c in codes if c]).values_list(
            "code", "name", "full_name", "level"):
        out[code] = full if level >= 2 and full else name
    if NATION in codes:
        out[NATION] = gettext("Nationwide")
    return out
