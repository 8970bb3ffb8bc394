"""Queries of the public hotspots page (消费热点): the goods, services and issues complained about most in a
region over whole months, beside the months just before; and the region's local feed (published consumer
warnings and recently published complaints).

Counts come from the analytical store's `mix` cube (complaints only), never from the case tables. The feed
reads the case tables through `ombud.cases.selectors`, keeping to the publication rule: its kinds, statuses,
delay and years, and only the PUBLISHABLE fields it lists.
"""
import datetime as dt
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Q
from django.utils import timezone

from .models import PUBLISHABLE, PUBLISHABLE_KINDS

NATION = "100000"
TOP = 10  # rows of each panel
FEED = 10  # items of each half of the feed
CACHE_SECONDS = 300


# ---- periods of whole months -------------------------------------------------------------------

def month_start(day):
    return dt.date(day.year, day.month, 1)


def add_months(day, n):
    """The first of the month `n` months after (or before) the month of `day`."""
    index = day.year * 12 + day.month - 1 + n
    return dt.date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Period:
    """Whole months: the first day of the first month to the last day of the last month."""

    first: dt.date  # first of the first month
    last: dt.date  # first of the last month

    @property
    def months(self):
        return (self.last.year - self.first.year) * 12 + self.last.month - self.first.month + 1

    @property
    def start(self):
        return self.first

    @property
    def end(self):
        return add_months(self.last, 1) - dt.timedelta(days=1)

    def previous(self):
        """The same number of months just before."""
        return Period(add_months(self.first, -self.months), add_months(self.first, -1))


# ---- regions -------------------------------------------------------------------------------------

def region(code):
    """An active region by its code, or None."""
    from ombud.regions.selectors import region_by_code

    return region_by_code(code) if code and code != NATION else None


def children(code):
    """The active regions just below `code` ("100000": the provinces), by code."""
    from ombud.regions.models import Region

    qs = Region.objects.filter(active=True)
    qs = qs.filter(level=1) if code == NATION else qs.filter(parent_id=code)
    return list(qs.order_by("code").only("code", "name", "full_name", "level", "path", "parent_id"))


def ancestors_of(path):
    """The paths above a region's own: "310115" -> ["", "31", "3101"]."""
    return [path[:n] for n in range(0, len(path), 2)]


# ---- the panels ----------------------------------------------------------------------------------

def _labels():
    """{(scheme, code): (name_zh, name_en, group)} of every term, retired ones too (older months name them)."""
    from ombud.taxonomy.models import Term

    return {(s, c): (zh, en, g) for s, c, zh, en, g in Term.objects.filter(scheme__in=["category", "issue"])
            .values_list("scheme", "code", "name_zh", "name_en", "group")}


def change(now, before):
    return None if not before else round(100.0 * (now - before) / before)


def _ranked(now, before, *, group_total, top):
    rows = []
    for rank, (code, n) in enumerate(sorted(now.items(), key=lambda kv: (-kv[1], kv[0]))[:top], start=1):
        b = before.get(code, 0)
        rows.append({"rank": rank, "code": code, "n": n, "before": b, "change": change(n, b),
                     "share": round(100.0 * n / group_total, 1) if group_total else None})
    return rows


def hotspots(*, region_code, period, top=TOP):
    """The hot goods, hot services and hot issues of a region's complaints over `period`, each ranked by count
    with its share of its group and the count and change over the period before; language-neutral (codes),
    cached per region, period and the store's `as_of`.

    {"as_of", "total", "total_before", "goods": {"rows", "total", "total_before"}, "services": …, "issues": …}"""
    from ombud.analytics import store

    as_of = (store.manifest() or {}).get("as_of")
    key = f"hotspots:{region_code}:{period.first:%Y-%m}:{period.last:%Y-%m}:{top}:{as_of}"
    hit = cache.get(key)
    if hit is None:
        hit = _hotspots(region_code, period, top)
        cache.set(key, hit, CACHE_SECONDS)
    return hit


def _hotspots(region_code, period, top):
    from ombud.analytics.selectors import mix, totals_by_kind

    previous = period.previous()
    now_w = {"region": region_code, "start": period.start, "end": period.end}
    then_w = {"region": region_code, "start": previous.start, "end": previous.end}
    categories = mix(by="category", kind="complaint", **now_w)
    categories_before = dict(mix(by="category", kind="complaint", **then_w).rows)
    issues = dict(mix(by="issue", kind="complaint", **now_w).rows)
    issues_before = dict(mix(by="issue", kind="complaint", **then_w).rows)
    groups = {code: g for (scheme, code), (_zh, _en, g) in _labels().items() if scheme == "category"}
    out = {"as_of": categories.as_of,
           "total": totals_by_kind(**now_w).rows.get("complaint", 0),
           "total_before": totals_by_kind(**then_w).rows.get("complaint", 0)}
    for group in ("goods", "services"):
        # A category the taxonomy does not know (or knows without a group) counts with the services.
        now = {c: n for c, n in categories.rows if (groups.get(c) or "services") == group}
        before = {c: n for c, n in categories_before.items() if (groups.get(c) or "services") == group}
        total = sum(now.values())
        out[group] = {"rows": _ranked(now, before, group_total=total, top=top), "total": total,
                      "total_before": sum(before.values())}
    total = sum(issues.values())
    out["issues"] = {"rows": _ranked(issues, issues_before, group_total=total, top=top), "total": total,
                     "total_before": sum(issues_before.values())}
    return out


def term_names(english):
    """{(scheme, code): name} in the reader's language."""
    return {k: (en if english else zh) or zh or en for k, (zh, en, _g) in _labels().items()}


# ---- the local feed ------------------------------------------------------------------------------

def region_warnings(*, region_path, limit=FEED):
    """Published consumer warnings that concern the region: those of the region itself or of a place inside it,
    and those of the regions above it (nationwide, its province…), newest first."""
    from ombud.alerts.selectors import published_warnings

    qs = published_warnings()
    if region_path:
        qs = qs.filter(Q(scope_path__startswith=region_path) | Q(scope_path__in=ancestors_of(region_path)))
    return list(qs[:limit])


def recent_published(*, region_path, limit=FEED, now=None):
    """The newest complaints in the open complaint database handled by authorities in the region (a path;
    "" for the nation): [{field: value}] with the fields the rule published (plus "id" and "respondent_id"
    for links). The publication table holds only what the rule publishes: never a report, never a party's
    identity."""
    from .models import PublishedComplaint
    from .selectors import current_rule

    rule = current_rule()
    if rule is None or not [k for k in rule.kinds if k in PUBLISHABLE_KINDS]:
        return []
    now = now or timezone.now()
    bucket = int(now.timestamp()) // CACHE_SECONDS
    key = f"hotspots:feed:{region_path}:{rule.pk}:{rule.version}:{limit}:{bucket}"
    hit = cache.get(key)
    if hit is not None:
        return hit
    qs = PublishedComplaint.objects.filter(rule_version=rule.version)
    if region_path:
        qs = qs.filter(**{{2: "province", 4: "prefecture", 6: "county"}[len(region_path)]: region_path})
    fields = set(rule.fields) & set(PUBLISHABLE)
    out = []
    for row in qs.order_by("-received", "-id")[:limit]:
        item = {"id": row.id}
        if "received" in fields:
            item["received"] = row.received
        if "category" in fields and row.category:
            item["category"] = row.category
        if "issue" in fields and row.issue:
            item["issue"] = row.issue
        if "respondent" in fields and row.respondent_id:
            item["respondent"], item["respondent_id"] = row.respondent, row.respondent_id
        if "authority" in fields and row.authority:
            item["authority"] = row.authority
        if "outcome" in fields and row.outcome:
            item["outcome"] = row.outcome
        if "response" in fields and row.response:
            item["response"] = row.response
        out.append(item)
    cache.set(key, out, CACHE_SECONDS)
    return out
