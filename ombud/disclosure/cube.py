"""Counts per value of the open complaint database, kept instead of counted on every request.

The published rows change only at a publication pass, or when a complaint is republished between passes.
So each pass counts the database once per filter value (FacetCount) and per period (TrendCount), and a
republished complaint moves those counts by one (`shift`). A search with no filter, or with one filter
(negated or with several values), then reads its counts per value instead of scanning up to two million
rows; a trend filtered by region, category or issue adds up a few thousand rows. Anything else (words,
two filters, dates with counts per value) is counted live, as before. docs/benchmarks.md has the figures.
"""
import datetime as dt

from django.db import connection
from django.db.models import Count, F, Sum
from django.db.models.functions import Trunc

from .models import FacetCount, PublicationRun, PublishedComplaint, TrendCount

KEPT = 50  # businesses kept per list; a facet shows 10, a trend at most 20
TABLE = PublishedComplaint._meta.db_table
# How a value is read off a row, in SQL, for each column counted.
_EXPR = {
    "province": "province", "prefecture": "prefecture", "county": "county", "category": "category",
    "issue": "issue", "channel": "channel", "outcome": "outcome", "respondent": "respondent",
    "timely": "CASE WHEN timely IS NULL THEN 'unknown' WHEN timely THEN 'yes' ELSE 'no' END",
    "has_narrative": "CASE WHEN has_narrative THEN 'yes' ELSE 'no' END",
    "rated": "CASE WHEN rating IS NULL THEN 'no' ELSE 'yes' END",
}
# filter -> the columns its values are kept for (a region filter is a province, prefecture or county path)
FILTERS = {"region": ("province", "prefecture", "county"), "category": ("category",), "issue": ("issue",),
           "channel": ("channel",), "outcome": ("outcome",), "timely": ("timely",),
           "has_narrative": ("has_narrative",), "rated": ("rated",),
           "company": ("respondent",)}  # only the businesses the company list keeps: the others are small
# facet -> the column it counts (the company facet is kept as lists, below)
FACETS = {"category": "category", "issue": "issue", "region": "province", "channel": "channel",
          "outcome": "outcome", "timely": "timely", "has_narrative": "has_narrative", "rated": "rated"}
_NO_EMPTY = ("category", "issue", "region", "channel", "outcome", "company")  # "" is not a value to count
GRAINS = ("day", "week", "month")
_KEPT_SQL = "SELECT key FROM disclosure_facetcount WHERE filter = '' AND facet = 'company' AND key <> ''"
TREND_FILTERS = ("region", "category", "issue")


def _filter_columns():
    """[(filter name, column)], the unfiltered database first as ("", None)."""
    return [("", None)] + [(name, col) for name, cols in FILTERS.items() for col in cols]


def _sql_value(row, column):
    """The value `_EXPR[column]` gives for a PublishedComplaint instance."""
    if column == "timely":
        return "unknown" if row.timely is None else ("yes" if row.timely else "no")
    if column == "has_narrative":
        return "yes" if row.has_narrative else "no"
    if column == "rated":
        return "no" if row.rating is None else "yes"
    return getattr(row, column) or ""


# --------------------------------------------------------------------------- building, once per pass

def rebuild():
    """Count the whole database again (inside the pass's transaction, so readers switch from the old counts
    to the new ones at its commit)."""
    FacetCount.objects.all().delete()
    TrendCount.objects.all().delete()
    with connection.cursor() as cur:
        for name, column in _filter_columns():  # the whole database first: it picks the kept businesses
            _count_facets(cur, name, column)
            if name != "company":
                _count_businesses(cur, name, column)
        for grain in GRAINS:
            _count_periods(cur, grain)


def kept_businesses():
    return set(FacetCount.objects.filter(filter="", value="", facet="company").exclude(key="").values_list(
        "key", flat=True))


def _where(*parts):
    parts = [p for p in parts if p]
    return ("WHERE " + " AND ".join(parts)) if parts else ""


def _count_facets(cur, name, column):
    f = _EXPR[column] if column else "''"
    own = (f"{f} IN ({_KEPT_SQL})" if name == "company" else f"{f} <> ''") if column else ""
    insert = f"INSERT INTO {FacetCount._meta.db_table} (filter, value, facet, key, n) "
    # A facet is counted without its own filter, so a filter's own facet is never read here.
    facets = [(fc, _EXPR[col]) for fc, col in FACETS.items() if fc != name]
    if connection.vendor == "postgresql":
        # One scan for every facet of this filter (grouping sets): the facet is the one column grouped.
        facet = " ".join(f"WHEN GROUPING({e}) = 0 THEN '{fc}'" for fc, e in facets)
        key = " ".join(f"WHEN GROUPING({e}) = 0 THEN {e}" for fc, e in facets)
        lead = f + ", " if column else ""
        sets = ", ".join(f"({lead}{e})" for fc, e in facets)
        cur.execute(f"{insert} SELECT '{name}', {f}, CASE {facet} END, CASE {key} END, COUNT(*) FROM {TABLE} "
                    f"{_where(own)} GROUP BY GROUPING SETS ({sets})")
        # the empty values the facets skip
        cur.execute(f"DELETE FROM {FacetCount._meta.db_table} WHERE filter = %s AND key = '' AND facet IN "
                    f"({', '.join(['%s'] * len(_NO_EMPTY))})", [name, *_NO_EMPTY])
        return
    for facet, g in facets:
        skip = f"{g} <> ''" if facet in _NO_EMPTY else ""
        cur.execute(f"{insert} SELECT '{name}', {f}, '{facet}', {g}, COUNT(*) FROM {TABLE} "
                    f"{_where(own, skip)} GROUP BY {f}, {g}" if column else
                    f"{insert} SELECT '', '', '{facet}', {g}, COUNT(*) FROM {TABLE} {_where(skip)} GROUP BY {g}")


def _count_businesses(cur, name, column):
    """The KEPT businesses with the most complaints under each value of the filter, and, in a row with
    key "", the count of the next one: no business left out has more."""
    f = _EXPR[column] if column else "''"
    part = f"PARTITION BY {f} " if column else ""
    where = _where(f"{f} <> ''" if column else "", "respondent <> ''")
    lead = f + ", " if column else ""
    ranked = (f"SELECT {f} AS v, respondent, COUNT(*) AS n, ROW_NUMBER() OVER ({part}ORDER BY COUNT(*) DESC, "
              f"respondent) AS rk FROM {TABLE} {where} GROUP BY {lead}respondent")
    insert = f"INSERT INTO {FacetCount._meta.db_table} (filter, value, facet, key, n) "
    cur.execute(f"{insert} SELECT '{name}', v, 'company', CASE WHEN rk <= {KEPT} THEN respondent ELSE '' END, n "
                f"FROM ({ranked}) r WHERE rk <= {KEPT + 1}")
    if column:
        # The businesses kept for the whole database, counted under every value too: a negated filter's
        # list is then the whole database's less these (exact for each of them).
        cur.execute(f"{insert} SELECT '{name}', {f}, 'company', respondent, COUNT(*) FROM {TABLE} "
                    f"{_where(f'{f} <> ' + repr(''), 'respondent IN (' + _KEPT_SQL + ')')} "
                    f"GROUP BY {f}, respondent ON CONFLICT DO NOTHING")


def _count_periods(cur, grain):
    from django.db.models.expressions import RawSQL

    rows = PublishedComplaint.objects.annotate(period=Trunc("received", grain, output_field=TrendCount._meta
                                                            .get_field("period")))
    everyone = rows.values("period", "province", "category", "issue").annotate(n=Count("id")).order_by()
    kept = (rows.filter(respondent__in=RawSQL(_KEPT_SQL, [])).values("period", "province", "category", "issue",
                                                                      "respondent").annotate(n=Count("id")).order_by())
    for qs, who in ((everyone, "''"), (kept, "s.respondent")):
        sql, params = qs.query.sql_with_params()
        cur.execute(f"INSERT INTO {TrendCount._meta.db_table} (grain, period, province, category, issue, "
                    f"respondent, n) SELECT %s, s.period, s.province, s.category, s.issue, {who}, s.n FROM ({sql}) s",
                    [grain, *params])


# --------------------------------------------------------------------------- one complaint republished

def _period(day, grain):
    if grain == "week":
        return day - dt.timedelta(days=day.weekday())
    if grain == "month":
        return day.replace(day=1)
    return day


def shift(*, before, after):
    """Move the kept counts from the rows `before` to the rows `after` (PublishedComplaint instances: the
    same complaints before and after a change; one added is only in `after`, one taken down only in
    `before`). Adds up the changes first, then writes each changed count once. Call in the transaction
    that writes the rows."""
    from collections import Counter

    facets, periods, businesses = Counter(), Counter(), Counter()
    kept = kept_businesses()
    filters = _filter_columns()[1:]
    for rows, sign in ((before, -1), (after, +1)):
        for row in rows:
            where = [("", "")] + [(name, _sql_value(row, col)) for name, col in filters]
            for name, value in where:
                if name and not value or name == "company" and value not in kept:
                    continue
                for facet, col in FACETS.items():
                    key = _sql_value(row, col)
                    if facet != name and (facet not in _NO_EMPTY or key):
                        facets[(name, value, facet, key)] += sign
                if row.respondent and name != "company":
                    businesses[(name, value, row.respondent)] += sign
            for grain in GRAINS:
                cell = (grain, _period(row.received, grain), row.province, row.category, row.issue)
                periods[(*cell, "")] += sign
                if row.respondent in kept:
                    periods[(*cell, row.respondent)] += sign
    _add_all(FacetCount, ("filter", "value", "facet", "key"), facets)
    _add_all(TrendCount, ("grain", "period", "province", "category", "issue", "respondent"), periods)
    _shift_businesses(businesses)


def _add_all(model, columns, deltas, *, batch=500):
    """n += delta for each cell, creating the cells not yet there (one upsert per `batch` cells)."""
    rows = [(*cell, d) for cell, d in deltas.items() if d]
    table, cols = model._meta.db_table, ", ".join(columns)
    with connection.cursor() as cur:
        for i in range(0, len(rows), batch):
            part = rows[i:i + batch]
            values = ", ".join(["(" + ", ".join(["%s"] * (len(columns) + 1)) + ")"] * len(part))
            cur.execute(f"INSERT INTO {table} ({cols}, n) VALUES {values} ON CONFLICT ({cols}) "
                        f"DO UPDATE SET n = {table}.n + excluded.n", [v for r in part for v in r])


def _shift_businesses(deltas):
    """A listed business's count moves; one not listed had none if its list held every business (no bound)
    or if it is one of the whole database's kept businesses (counted under every value), and is added;
    otherwise it had at most the bound, and the bound rises by the most any of them gained."""
    deltas = {k: d for k, d in deltas.items() if d}
    if not deltas:
        return
    names = {b for _f, _v, b in deltas}
    listed = set(FacetCount.objects.filter(facet="company", key__in=[*names, ""]).values_list(
        "filter", "value", "key"))
    whole = {k for f, v, k in listed if f == "" and k}
    add, bounds = {}, {}
    for (f, v, b), d in deltas.items():
        if (f, v, b) in listed or (d > 0 and (b in whole or (f, v, "") not in listed)):
            add[(f, v, "company", b)] = d
        elif d > 0:
            bounds[(f, v, "company", "")] = max(bounds.get((f, v, "company", ""), 0), d)
    _add_all(FacetCount, ("filter", "value", "facet", "key"), {**add, **bounds})


# --------------------------------------------------------------------------- reading

def counted():
    """Whether the kept counts describe the database now: the latest finished pass made them."""
    run = PublicationRun.objects.filter(finished_at__isnull=False).order_by("-finished_at", "-id").values_list(
        "counted", flat=True).first()
    return bool(run)


def _single(lists):
    """(name, values, negated) of the one filter the kept counts can answer, None (no filter), or False."""
    if not lists:
        return None
    if len(lists) > 1:
        return False
    (name, (values, negated)), = lists.items()
    if name not in FILTERS:
        return False
    if name == "region" and any(a != b and b.startswith(a) for a in values for b in values):
        return False  # nested regions overlap: their counts do not add up
    if name == "company" and not set(values) <= kept_businesses():
        return False  # a business not kept (or named by its USCC) is counted: it has few complaints
    return name, values, negated


def facet(name, lists, *, most):
    """[{key, count}] of facet `name` for the rows that `lists` (no dates, no words) selects, largest
    first, at most `most`; None when the kept counts cannot answer it exactly."""
    one = _single(lists)
    if one is False:
        return None
    cells = FacetCount.objects.filter(facet=name, n__gt=0)
    if name == "company":
        return _businesses(cells, one, most)
    counts = dict(cells.filter(filter="", value="").values_list("key", "n"))
    if one is not None:
        f, values, negated = one
        picked = {}
        for key, n in cells.filter(filter=f, value__in=values).values_list("key", "n"):
            picked[key] = picked.get(key, 0) + n
        counts = {k: n - picked.get(k, 0) for k, n in counts.items()} if negated else picked
    out = sorted(((k, n) for k, n in counts.items() if n > 0), key=lambda r: (-r[1], r[0]))
    return [{"key": k, "count": n} for k, n in out[:most]]


def _businesses(cells, one, most):
    """The business list: kept as is for no filter or one value; for a negated filter, the whole database's
    kept businesses less their counts under the values. None when a business not kept could be in it."""
    if one is not None and (one[0] == "company" or not one[2] and len(one[1]) > 1):
        return None
    if one is None or not one[2]:
        f, v = ("", "") if one is None else (one[0], one[1][0])
        counts = dict(cells.filter(filter=f, value=v).values_list("key", "n"))
    else:
        counts = dict(cells.filter(filter="", value="").values_list("key", "n"))
        less = {}
        for key, n in cells.filter(filter=one[0], value__in=one[1], key__in=list(counts)).values_list("key", "n"):
            less[key] = less.get(key, 0) + n
        counts = {k: n - less.get(k, 0) if k else n for k, n in counts.items()}
    bound = counts.pop("", 0)
    top = sorted(((k, n) for k, n in counts.items() if n > 0), key=lambda r: (-r[1], r[0]))[:most]
    if bound and (len(top) < most or top[-1][1] <= bound):
        return None  # a business left out of the list could belong here
    return [{"key": k, "count": n} for k, n in top]


def trend_rows(q, interval, *, businesses=None):
    """(rows, period expression, measure) that trends can group instead of the published complaints, or
    None when the query filters on more than region (province), category, issue and date received.
    `businesses`: the rows of these kept businesses instead of everyone's."""
    if q.must or q.must_not or any(n not in TREND_FILTERS for n in q.lists):
        return None
    if "region" in q.lists and any(len(v) != 2 for v in q.lists["region"][0]):
        return None
    dated = bool(q.received_min or q.received_max)
    grain = "day" if dated or interval not in GRAINS else interval
    grain = "month" if not dated and interval in ("quarter", "year") else grain
    qs = TrendCount.objects.filter(grain=grain, n__gt=0)  # a cell emptied by a take-down is no period
    qs = qs.filter(respondent__in=businesses) if businesses else qs.filter(respondent="")
    qs = q.on_received(qs, "period")  # day grain whenever dates are given, so a day is a period
    for name, (values, negated) in q.lists.items():
        col = "province" if name == "region" else name
        qs = qs.exclude(**{col + "__in": values}) if negated else qs.filter(**{col + "__in": values})
    period = F("period") if grain == interval else Trunc("period", interval, output_field=TrendCount._meta.get_field(
        "period"))
    return qs, period, Sum("n")
