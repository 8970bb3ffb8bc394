"""Figures from the analytical store. Every answer carries the `as_of` of its data.

A region is a division code: "100000" for the nation, or a province, prefecture or county; the
figures count cases handled by authorities in its subtree. Periods are local dates, end inclusive.
"""
import re
from dataclasses import dataclass, field

from . import store

LEVEL_COLUMN = {0: None, 1: "province", 2: "prefecture", 3: "county"}
CHILD_COLUMN = {0: "province", 1: "prefecture", 2: "county", 3: "county"}


@dataclass
class Answer:
    rows: list
    as_of: str | None
    meta: dict = field(default_factory=dict)


def _level(code):
    if code in (None, "", "100000"):
        return 0
    if code.endswith("0000"):
        return 1
    if code.endswith("00"):
        return 2
    return 3


def _files(cube, start, end):
    return store.month_files(f"cube/{cube}", start, end)


def _where(region, start, end, time_column):
    clauses, params = [], []
    column = LEVEL_COLUMN[_level(region)]
    if column:
        clauses.append(f"{column} = ?")
        params.append(region)
    if time_column == "day":
        clauses.append("day BETWEEN ? AND ?")
        params += [start, end]
    else:
        clauses.append("month BETWEEN ? AND ?")
        params += [f"{start:%Y-%m}", f"{end:%Y-%m}"]
    return " AND ".join(clauses), params


def _grain(cube, region, *texts):
    """The coarsest copy of `cube` (store.GRAINS) that holds the region columns the query filters or groups on."""
    need = {LEVEL_COLUMN[_level(region)]} - {None}
    need |= {c for c in store.REGION if re.search(rf"\b{c}\b", " ".join(texts))}
    for grain, kept in store.GRAINS.items():  # coarsest first
        if need <= set(kept) and (store.root() / "cube" / f"{cube}@{grain}").is_dir():
            return f"{cube}@{grain}"
    return cube


def query(cube, select, *, region="100000", start, end, group=None, extra="", extra_params=(), order=None,
          limit=None):
    """Run one aggregate over a cube for a region and period. Returns an Answer."""
    if "@" not in cube:
        cube = _grain(cube, region, select, group or "", extra, order or "")
    files = _files(cube, start, end)
    m = store.manifest() or {}
    if not files:
        return Answer([], m.get("as_of"))
    time_column = "day" if cube.split("@")[0] == "volume" else "month"
    where, params = _where(region, start, end, time_column)
    sql = f"SELECT {select} FROM read_parquet({files!r}) WHERE {where} {extra}"
    if group:
        sql += f" GROUP BY {group}"
    if order:
        sql += f" ORDER BY {order}"
    if limit:
        sql += f" LIMIT {int(limit)}"
    con = _connection()
    rows = con.execute(sql, [*params, *extra_params]).fetchall()
    return Answer(rows, m.get("as_of"))


_con = None


def _connection():
    """One DuckDB connection per process, reused (cursor() gives each call its own statement state)."""
    global _con
    if _con is None:
        _con = store.duck()
    return _con.cursor()


def totals_by_kind(*, region="100000", start, end):
    a = query("volume", "kind, SUM(n)", region=region, start=start, end=end, group="kind", order="kind")
    return Answer({k: int(n) for k, n in a.rows}, a.as_of)


def by_child_region(*, region="100000", start, end):
    child = CHILD_COLUMN[_level(region)]
    a = query("volume", f"{child}, SUM(n)", region=region, start=start, end=end, group=child, order="2 DESC")
    return Answer([(code, int(n)) for code, n in a.rows], a.as_of)


def outcomes(*, region="100000", start, end, kind="complaint"):
    """Recovered money, timeliness, ODR and satisfaction counts for one kind of case."""
    sums = ", ".join(f"SUM({m})" for m in store.MEASURES)
    a = query("outcome", sums, region=region, start=start, end=end, extra="AND kind = ?", extra_params=[kind])
    values = a.rows[0] if a.rows else [None] * len(store.MEASURES)
    return Answer(dict(zip(store.MEASURES, values)), a.as_of)


def top_respondents(*, region="100000", start, end, limit=10):
    """[(respondent id, n)], the busiest first. For the nation and a province the answer comes from the
    monthly top lists (store.TOP_CUTS) when they prove it exact; otherwise from the whole rollup."""
    cut = {0: "nation", 1: "province"}.get(_level(region))
    if cut:
        proven = _top_from_cut(f"respondent_top@{cut}", region, start, end, limit)
        if proven is not None:
            return proven
    a = query("respondent", "respondent_id, SUM(n) AS n", region=region, start=start, end=end,
              extra="AND respondent_id IS NOT NULL", group="respondent_id", order="n DESC, respondent_id",
              limit=limit)
    return Answer([(int(r), int(n)) for r, n in a.rows], a.as_of)


def _top_from_cut(cube, region, start, end, limit):
    """Each month's file keeps the respondents above its `floor` (the most any left-out one had). Summing
    the kept counts gives a lower bound per respondent; adding the floors of the months it was left out of
    gives an upper bound. The top `limit` is exact when each of them was kept in every month (bounds
    equal) and every other respondent's upper bound is below the last one's count."""
    files, full = _files(cube, start, end), _files(cube.split("_top@")[0], start, end)
    if not files or len(files) != len(full):
        return None
    where, params = _where(region, start, end, "month")
    m = store.manifest() or {}
    rows = _connection().execute(f"""
        WITH t AS (SELECT * FROM read_parquet({files!r}) WHERE {where}),
        f AS (SELECT SUM(floor) AS floors FROM (SELECT month, ANY_VALUE(floor) AS floor FROM t GROUP BY month))
        SELECT respondent_id, SUM(n) AS low, ANY_VALUE(f.floors) - SUM(floor) AS missing, ANY_VALUE(f.floors)
        FROM t, f GROUP BY respondent_id ORDER BY low DESC, respondent_id""", params).fetchall()
    if not rows:
        return None
    floors = rows[0][3] or 0
    top, rest = rows[:limit], rows[limit:]
    if any(missing for _, _, missing, _ in top):
        return None
    others = max([floors, *(low + missing for _, low, missing, _ in rest)])
    if len(top) < limit and floors:  # fewer kept than asked, and some were left out
        return None
    if top and others >= top[-1][1]:  # someone left out might have as many (a tie is not proven either)
        return None
    return Answer([(int(r), int(n)) for r, n, _, _ in top], m.get("as_of"), {"method": "monthly top lists"})


INTERVALS = {"day": "day", "week": "week", "month": "month", "quarter": "quarter", "year": "year"}


def series(*, region="100000", start, end, interval="month", kind=None):
    """[(period start date, kind, n)] over the period, by `interval` (day, week, month, quarter, year)."""
    if interval not in INTERVALS:
        raise ValueError(f"interval must be one of {', '.join(INTERVALS)}")
    bucket = "day" if interval == "day" else f"date_trunc('{interval}', day)::DATE"
    extra, params = ("AND kind = ?", [kind]) if kind else ("", [])
    a = query("volume", f"{bucket} AS period, kind, SUM(n)", region=region, start=start, end=end,
              extra=extra, extra_params=params, group="period, kind", order="period, kind")
    return Answer([(p, k, int(n)) for p, k, n in a.rows], a.as_of)


def mix(*, region="100000", start, end, by="category", kind=None, category=None, issue=None):
    """[(code, n)] by goods/service category or issue type, optionally within one category or issue."""
    if by not in ("category", "issue"):
        raise ValueError("by must be category or issue")
    clauses, params = [f"AND {by} <> ''"], []
    for column, value in (("kind", kind), ("category", category), ("issue", issue)):
        if value:
            clauses.append(f"AND {column} = ?")
            params.append(value)
    a = query("mix", f"{by}, SUM(n) AS n", region=region, start=start, end=end, extra=" ".join(clauses),
              extra_params=params, group=by, order=f"n DESC, {by}")
    return Answer([(code, int(n)) for code, n in a.rows], a.as_of)


def channels(*, region="100000", start, end):
    a = query("volume", "channel, SUM(n) AS n", region=region, start=start, end=end, group="channel",
              order="n DESC, channel")
    return Answer([(c, int(n)) for c, n in a.rows], a.as_of)


def online(*, region="100000", start, end):
    a = query("volume", "online, SUM(n)", region=region, start=start, end=end, group="online", order="online")
    return Answer({bool(k): int(n) for k, n in a.rows}, a.as_of)


FINISHED = ("closed", "refused", "withdrawn")


def satisfaction(*, region="100000", start, end):
    """Finished complaints by the consumer's rating of the handling (None: never rated, its own category),
    and by resolved / not resolved / not said."""
    marks = ", ".join("?" * len(FINISHED))
    extra = f"AND kind = 'complaint' AND status IN ({marks})"
    a = query("outcome", "rating_handling, resolved, SUM(n)", region=region, start=start, end=end, extra=extra,
              extra_params=list(FINISHED), group="rating_handling, resolved")
    ratings, resolved = {}, {}
    for rating, res, n in a.rows:
        ratings[rating] = ratings.get(rating, 0) + int(n)
        resolved[res] = resolved.get(res, 0) + int(n)
    return Answer({"ratings": ratings, "resolved": resolved}, a.as_of)


def statuses(*, region="100000", start, end, kind=None):
    extra, params = ("AND kind = ?", [kind]) if kind else ("", [])
    a = query("outcome", "status, SUM(n) AS n", region=region, start=start, end=end, extra=extra,
              extra_params=params, group="status", order="n DESC, status")
    return Answer([(s, int(n)) for s, n in a.rows], a.as_of)


def child_outcomes(*, region="100000", start, end, kind="complaint"):
    """The outcome measures per child region (for the map and the scorecard)."""
    child = CHILD_COLUMN[_level(region)]
    sums = ", ".join(f"SUM({m})" for m in store.MEASURES)
    a = query("outcome", f"{child}, {sums}", region=region, start=start, end=end, extra="AND kind = ?",
              extra_params=[kind], group=child, order=child)
    return Answer({row[0]: dict(zip(store.MEASURES, row[1:])) for row in a.rows}, a.as_of)


BUSINESS_MEASURES = {  # name -> DuckDB aggregate over one business's complaints in the case mirror
    "n": "COUNT(*)",
    "accepted": "COUNT(*) FILTER (WHERE accept_met IS NOT NULL AND COALESCE(outcome, '') <> 'refused')",
    "refused": "COUNT(*) FILTER (WHERE outcome = 'refused')",
    "agreed": "COUNT(*) FILTER (WHERE outcome = 'agreement')",
    "not_agreed": "COUNT(*) FILTER (WHERE outcome = 'terminated')",
    "odr_done": "COUNT(*) FILTER (WHERE odr_lane AND status <> 'odr')",
    "presettled": "COUNT(*) FILTER (WHERE odr_lane AND outcome = 'presettled')",
    "odr_days": "median(epoch(odr_met - odr_start) / 86400.0) FILTER (WHERE odr_lane AND odr_met IS NOT NULL)",
    "finished": "COUNT(*) FILTER (WHERE status IN ('closed', 'refused', 'withdrawn'))",
    "rated": "COUNT(*) FILTER (WHERE status IN ('closed', 'refused', 'withdrawn') AND rating_business IS NOT NULL)",
    "satisfied": "COUNT(*) FILTER (WHERE status IN ('closed', 'refused', 'withdrawn') AND rating_business >= 4)",
    "resolved_yes": "COUNT(*) FILTER (WHERE resolved)",
    "resolved_no": "COUNT(*) FILTER (WHERE NOT resolved)",
}


def business_figures(*, business_id, start, end, as_platform=False):
    """One business's complaint figures for [start, end] from the case mirror: {measure: value} (see
    BUSINESS_MEASURES). `as_platform`: the complaints about its merchants' sales on it, as a group."""
    column = "platform_id" if as_platform else "respondent_id"
    # the complaints sorted by this column (store.BY_BUSINESS): only the row groups holding the business
    files = store.month_files("by_platform" if as_platform else "by_respondent", start, end)
    meta = store.manifest() or {}
    if not files:
        return Answer(dict.fromkeys(BUSINESS_MEASURES, 0) | {"odr_days": None}, meta.get("as_of"))
    sums = ", ".join(f"{sql} AS {name}" for name, sql in BUSINESS_MEASURES.items())
    row = _connection().execute(
        f"SELECT {sums} FROM read_parquet({files!r}) WHERE kind = 'complaint' AND {column} = ? "
        "AND day BETWEEN ? AND ?", [business_id, start, end]).fetchone()
    values = dict(zip(BUSINESS_MEASURES, row))
    return Answer({k: (v if k == "odr_days" else int(v or 0)) for k, v in values.items()}, meta.get("as_of"))
