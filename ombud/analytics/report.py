"""The periodic national or regional report (`ombud report`), as PDF and XLSX.

Every figure comes from the analytical store (analytics.selectors) for one region subtree and one
period (a year, a quarter or a month), beside the same figure for the previous period (previous
year, quarter or month). The report states those figures as generated prose, in the style of the
SAMR news items on the 12315 platform ("2023年，全国12315平台共受理投诉、举报和咨询3534.3万件，同比
增长20.2%……"), in Chinese or English: the English sentences are gettext msgids (context "report")
and the Chinese ones their translations. Every rate states its formula. A complaint the consumer
never rated never counts as resolved or satisfied.

Public API:
  parse_period(text) -> (start, end, previous_start, previous_end, label)
  figures(*, region, start, end, previous) -> dict of everything the report states, as numbers
  build(*, region, period, language="zh-hans") -> Report(pdf, xlsx, filename_stem, figures, paragraphs)
  zh_count, zh_money, en_count, en_money, format_count, format_money, format_percent: the number style
"""
import contextlib
import datetime as dt
import io
import math
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import get_language, pgettext

from . import selectors

NATION = "100000"
KINDS = ("complaint", "report", "consultation")
# The fastest-growing issues count only issues with at least this many complaints in the previous
# period, so that a handful of cases growing to a few more does not top the list.
MIN_BASE = 100
TOP_TABLE = 10  # rows in the category and respondent tables
TOP_PROSE = 5  # items named in a sentence
YEARS = (1990, 2999)


class ReportError(ValueError):
    """Bad input for a report (the CLI shows the message as it is)."""


class UnknownRegion(ReportError):
    pass


class NoData(ReportError):
    pass


# -- Periods ------------------------------------------------------------------------------------------

def _quarter_start(year, quarter):
    return dt.date(year, 3 * quarter - 2, 1)


def _month_end(year, month):
    return dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1)


def parse_period(text):
    """'2023' | '2023-Q1' | '2023-03' -> (start, end, previous_start, previous_end, label).

    Dates are local and inclusive. The previous period is the previous year for a year, the previous
    quarter for a quarter and the previous month for a month. `label` is the canonical form of the
    period ('2023', '2023-Q1', '2023-03'), used in file names. Raises ValueError with a clear message."""
    raw = (text or "").strip()
    hint = "give a year (2023), a quarter (2023-Q1) or a month (2023-03)"
    m = re.fullmatch(r"(\d{4})(?:-?([Qq])(\d+)|-(\d{1,2}))?", raw)
    if not m:
        raise ValueError(f"unknown period format {raw!r}: {hint}")
    year = int(m.group(1))
    if not YEARS[0] <= year <= YEARS[1]:
        raise ValueError(f"period {raw!r}: the year must be between {YEARS[0]} and {YEARS[1]}")
    if m.group(2):
        quarter = int(m.group(3))
        if not 1 <= quarter <= 4:
            raise ValueError(f"period {raw!r}: the quarter must be Q1, Q2, Q3 or Q4")
        start = _quarter_start(year, quarter)
        end = _month_end(year, 3 * quarter)
        py, pq = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
        return start, end, _quarter_start(py, pq), _month_end(py, 3 * pq), f"{year}-Q{quarter}"
    if m.group(4):
        month = int(m.group(4))
        if not 1 <= month <= 12:
            raise ValueError(f"period {raw!r}: the month must be 01 to 12")
        py, pm = (year, month - 1) if month > 1 else (year - 1, 12)
        return (dt.date(year, month, 1), _month_end(year, month), dt.date(py, pm, 1), _month_end(py, pm),
                f"{year}-{month:02d}")
    return dt.date(year, 1, 1), dt.date(year, 12, 31), dt.date(year - 1, 1, 1), dt.date(year - 1, 12, 31), str(year)


def period_kind(start, end):
    if start.day == 1 and end == _month_end(end.year, end.month):
        months = (end.year - start.year) * 12 + end.month - start.month + 1
        if months == 12 and start.month == 1:
            return "year"
        if months == 3 and start.month % 3 == 1:
            return "quarter"
        if months == 1:
            return "month"
    return "custom"


def period_name(start, end):
    """The period as a reader names it, in the active language: 2023年 / 2023年第1季度 / 2023年3月."""
    kind = period_kind(start, end)
    if kind == "year":
        return pgettext("report", "%(year)s") % {"year": start.year}
    if kind == "quarter":
        return pgettext("report", "Q%(quarter)s %(year)s") % {"quarter": (start.month + 2) // 3, "year": start.year}
    if kind == "month":
        return date_format(start, "YEAR_MONTH_FORMAT")
    return pgettext("report", "%(start)s to %(end)s") % {"start": start.isoformat(), "end": end.isoformat()}


# -- Number style -------------------------------------------------------------------------------------

def _q(value, places):
    return Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def _trim(number):
    """'3.5000' -> '3.5' (exact figures lose their trailing zeros; one decimal always stays)."""
    text = str(number)
    if "." in text:
        text = text.rstrip("0")
        if text.endswith("."):
            text += "0"
    return text


def zh_count(n):
    """A count in the Chinese style of the SAMR releases: 万 or 亿 with five significant digits
    (trailing zeros dropped, one decimal kept): 35,343,000 -> '3534.3万', 35,343 -> '3.5343万';
    under 10,000 the plain number. The unit (件) is the sentence's."""
    n = int(n)
    if abs(n) < 10_000:
        return str(n)
    for unit, size in (("万", 10**4), ("亿", 10**8)):
        value = Decimal(n) / size
        places = max(1, 5 - len(str(int(abs(value)))))
        q = _q(value, places)
        if unit == "亿" or abs(q) < 10_000:
            return _trim(q) + unit


def zh_money(amount):
    """Yuan in the Chinese style: one decimal of 亿元 or 万元: ¥4,490,000,000 -> '44.9亿元',
    ¥4,490,000 -> '449.0万元'; under ¥10,000 the amount to the fen."""
    amount = Decimal(amount or 0)
    if abs(amount) < 10_000:
        return f"{_q(amount, 2)}元"
    wan = _q(amount / 10**4, 1)
    if abs(wan) < 10_000:
        return f"{wan}万元"
    return f"{_q(amount / 10**8, 1)}亿元"


def en_count(n):
    """A count in English: '35.343 million' (3 decimals) from a million up, else '35,343'."""
    n = int(n)
    if abs(n) >= 10**9:
        return f"{_q(Decimal(n) / 10**9, 3)} billion"
    if abs(n) >= 10**6:
        return f"{_q(Decimal(n) / 10**6, 3)} million"
    return f"{n:,}"


def en_money(amount):
    """Yuan in English: '¥4.49 billion' (2 decimals) from a billion up, else '¥4,490,000.00'."""
    amount = Decimal(amount or 0)
    if abs(amount) >= 10**9:
        return f"¥{_q(amount / 10**9, 2)} billion"
    return f"¥{_q(amount, 2):,}"


def _zh():
    return not (get_language() or "").startswith("en")


def format_count(n, language=None):
    with translation.override(language) if language else contextlib.nullcontext():
        return zh_count(n) if _zh() else en_count(n)


def format_money(amount, language=None):
    with translation.override(language) if language else contextlib.nullcontext():
        return zh_money(amount) if _zh() else en_money(amount)


def format_percent(fraction, places=1):
    """0.2021 -> '20.2%' (half up)."""
    return f"{_q(Decimal(repr(float(fraction))) * 100, places)}%"


def _count_with_unit(n):
    return pgettext("report", "%(count)s cases") % {"count": format_count(n)}


def _number(n):
    return f"{int(n):,}"


# -- Figures ------------------------------------------------------------------------------------------

def _ratio(num, den):
    return float(num) / float(den) if den else None


def _growth(cur, prev):
    return (float(cur) - float(prev)) / float(prev) if prev else None


def _measure(region, start, end):
    """The headline counts for one region and period, and the rates derived from them."""
    kw = {"region": region, "start": start, "end": end}
    kinds = selectors.totals_by_kind(**kw)
    as_of = kinds.as_of
    by_kind = {k: int(kinds.rows.get(k, 0)) for k in KINDS}
    total = sum(int(n) for n in kinds.rows.values())
    rec = selectors.query("outcome", "SUM(recovered)", **kw).rows
    recovered = _q(rec[0][0] or 0, 2) if rec else Decimal("0.00")
    online = int(selectors.online(**kw).rows.get(True, 0))
    sat = selectors.satisfaction(**kw).rows
    ratings, resolved = sat.get("ratings", {}), sat.get("resolved", {})
    finished = sum(ratings.values())
    rated = sum(n for r, n in ratings.items() if r is not None)
    rating_sum = sum(int(r) * n for r, n in ratings.items() if r is not None)
    satisfied = sum(n for r, n in ratings.items() if r is not None and int(r) >= 4)
    said_resolved = int(resolved.get(True, 0))
    o = selectors.outcomes(kind="complaint", **kw).rows
    g = {k: int(o.get(k) or 0) for k in ("n", "accept_decided", "accept_on_time", "close_decided", "close_on_time",
                                          "open_clocks", "odr_settled")}
    odr_days = float(o.get("odr_days") or 0)
    m = {
        "total": total, **by_kind, "recovered": recovered, "online": online,
        "finished": finished, "rated": rated, "rating_sum": rating_sum, "resolved": said_resolved,
        "satisfied": satisfied, "accept_decided": g["accept_decided"], "accept_on_time": g["accept_on_time"],
        "close_decided": g["close_decided"], "close_on_time": g["close_on_time"], "open_clocks": g["open_clocks"],
        "complaints_outcome": g["n"], "odr_settled": g["odr_settled"], "odr_days_total": odr_days,
    }
    m.update(
        online_share=_ratio(online, total), rated_share=_ratio(rated, finished),
        mean_rating=_ratio(rating_sum, rated), resolved_share=_ratio(said_resolved, finished),
        satisfied_share=_ratio(satisfied, finished), accept_rate=_ratio(g["accept_on_time"], g["accept_decided"]),
        close_rate=_ratio(g["close_on_time"], g["close_decided"]),
        odr_share=_ratio(g["odr_settled"], by_kind["complaint"]),
        odr_mean_days=_ratio(odr_days, g["odr_settled"]),
    )
    return m, as_of


# (key, how it compares: growth | points | value, kind of value: count | money | rate | rating | days)
HEADLINE = [
    ("total", "growth", "count"), ("complaint", "growth", "count"), ("report", "growth", "count"),
    ("consultation", "growth", "count"), ("recovered", "growth", "money"), ("online", "growth", "count"),
    ("online_share", "points", "rate"), ("finished", "growth", "count"), ("rated_share", "points", "rate"),
    ("mean_rating", "value", "rating"), ("resolved_share", "points", "rate"), ("satisfied_share", "points", "rate"),
    ("accept_rate", "points", "rate"), ("close_rate", "points", "rate"), ("odr_share", "points", "rate"),
    ("odr_mean_days", "value", "days"),
]


def _change(cur, prev, how, has_previous):
    if not has_previous or cur is None or prev is None:
        return None
    if how == "growth":
        return _growth(cur, prev)
    return float(cur) - float(prev)


def _ranked(current, previous, has_previous, total):
    """[(code, n)] of this period and the previous -> rows with the previous count, growth and share."""
    prev = dict(previous)
    rows = []
    for code, n in current:
        p = prev.get(code, 0) if has_previous else None
        rows.append({"code": code, "n": n, "previous": p, "growth": _growth(n, p) if has_previous else None,
                     "share": _ratio(n, total)})
    seen = {r["code"] for r in rows}
    if has_previous:  # gone this period: still listed, with a count of 0
        rows += [{"code": c, "n": 0, "previous": n, "growth": -1.0, "share": 0.0} for c, n in previous if c not in seen]
    return rows


def figures(*, region, start, end, previous):
    """Everything the report states, as numbers (no formatting). `previous` is (start, end) of the
    comparison period, or None. Counts are of cases received in the period and handled by authorities
    in the region's subtree; outcome figures are for those cases as recorded at `as_of`."""
    from ombud.businesses.models import Business
    from ombud.regions.models import Region
    from ombud.taxonomy.models import Term

    region = region or NATION
    cur, as_of = _measure(region, start, end)
    prev = None
    if previous:
        prev, _ = _measure(region, previous[0], previous[1])
    has_previous = bool(prev and prev["total"] > 0)
    kind = period_kind(start, end)

    headline = []
    for key, how, unit in HEADLINE:
        value = cur[key]
        before = prev[key] if has_previous else None
        headline.append({"key": key, "value": value, "previous": before, "how": how, "unit": unit,
                         "change": _change(value, before, how, has_previous)})

    kw = {"region": region, "start": start, "end": end}
    pkw = {"region": region, "start": previous[0], "end": previous[1]} if previous else None
    complaints = cur["complaint"]

    def mix(by, args):
        return selectors.mix(by=by, kind="complaint", **args).rows if args else []

    categories = _ranked(mix("category", kw), mix("category", pkw), has_previous, complaints)
    issues = _ranked(mix("issue", kw), mix("issue", pkw), has_previous, complaints)
    growing = sorted((r for r in issues if has_previous and r["previous"] >= MIN_BASE),
                     key=lambda r: (-r["growth"], r["code"]))
    terms = {(t.scheme, t.code): t for t in Term.objects.filter(code__in={r["code"] for r in categories + issues})}
    for scheme, rows in (("category", categories), ("issue", issues)):
        for r in rows:
            t = terms.get((scheme, r["code"]))
            r.update(name_zh=t.name_zh if t else r["code"], name_en=t.name_en if t else r["code"],
                     group=t.group if t else "")

    top = selectors.top_respondents(limit=TOP_TABLE, **kw).rows
    ids = [i for i, _ in top]
    earlier = {}
    if ids and has_previous:
        marks = ", ".join("?" * len(ids))
        earlier = {int(i): int(n) for i, n in selectors.query(
            "respondent", "respondent_id, SUM(n)", extra=f"AND respondent_id IN ({marks})", extra_params=ids,
            group="respondent_id", **pkw).rows}
    names = dict(Business.objects.filter(pk__in=ids).values_list("id", "name"))
    respondents = [{"id": i, "name": names.get(i, f"#{i}"), "n": n,
                    "previous": earlier.get(i, 0) if has_previous else None,
                    "growth": _growth(n, earlier.get(i, 0)) if has_previous else None} for i, n in top]

    children = selectors.by_child_region(**kw).rows
    children_before = dict(selectors.by_child_region(**pkw).rows) if has_previous else {}
    child_out = selectors.child_outcomes(kind="complaint", **kw).rows
    child_names = dict(Region.objects.filter(pk__in=[c for c, _ in children if c]).values_list("code", "name"))
    regions = []
    for code, n in children:
        o = {k: (v or 0) for k, v in (child_out.get(code) or {}).items()}
        p = children_before.get(code, 0) if has_previous else None
        regions.append({
            "code": code or "", "name": child_names.get(code, code or "—"), "n": n, "previous": p,
            "growth": _growth(n, p) if has_previous else None, "complaints": int(o.get("n", 0)),
            "recovered": _q(o.get("recovered", 0), 2), "accept_decided": int(o.get("accept_decided", 0)),
            "accept_on_time": int(o.get("accept_on_time", 0)), "close_decided": int(o.get("close_decided", 0)),
            "close_on_time": int(o.get("close_on_time", 0)), "odr_settled": int(o.get("odr_settled", 0)),
            "accept_rate": _ratio(o.get("accept_on_time", 0), o.get("accept_decided", 0)),
            "close_rate": _ratio(o.get("close_on_time", 0), o.get("close_decided", 0)),
            "odr_share": _ratio(o.get("odr_settled", 0), o.get("n", 0)),
        })

    interval = "day" if kind == "month" else "month"
    series = _series(kw, interval)
    before_series = _series(pkw, interval) if has_previous else []
    for i, row in enumerate(series):
        row["previous_total"] = before_series[i]["total"] if i < len(before_series) else None

    chans = selectors.channels(**kw).rows
    channels = [{"code": c, "n": n, "share": _ratio(n, cur["total"])} for c, n in chans]

    return {
        "region": region, "start": start, "end": end, "period_kind": kind,
        "previous_start": previous[0] if previous else None, "previous_end": previous[1] if previous else None,
        "has_previous": has_previous, "as_of": as_of,
        "total": cur["total"], "recovered": cur["recovered"], "current": cur,
        "previous": prev if has_previous else None,
        "headline": headline, "categories": categories, "issues": issues, "growing_issues": growing,
        "min_base": MIN_BASE, "respondents": respondents, "regions": regions,
        "series": {"interval": interval, "rows": series}, "channels": channels,
    }


def _series(kw, interval):
    rows = {}
    for period, kind, n in selectors.series(interval=interval, **kw).rows:
        key = period if isinstance(period, dt.date) else dt.date.fromisoformat(str(period)[:10])
        row = rows.setdefault(key, {"period": key, **{k: 0 for k in KINDS}})
        row[kind] = row.get(kind, 0) + n
    # every bucket of the period, empty ones included, so that the chart's axis is the period's
    start, end = kw["start"], kw["end"]
    buckets = []
    d = start if interval == "day" else start.replace(day=1)
    while d <= end:
        buckets.append(d)
        d = d + dt.timedelta(days=1) if interval == "day" else dt.date(d.year + (d.month == 12), d.month % 12 + 1, 1)
    out = []
    for b in buckets:
        row = rows.get(b, {"period": b, **{k: 0 for k in KINDS}})
        row["total"] = sum(row[k] for k in KINDS)
        out.append(row)
    return out


# -- Words --------------------------------------------------------------------------------------------

def _compared(kind):
    return {"year": pgettext("report", "year on year"), "quarter": pgettext("report", "on the previous quarter"),
            "month": pgettext("report", "on the previous month")}.get(kind) or pgettext("report",
                                                                                       "on the previous period")


def _no_previous(kind):
    return {"year": pgettext("report", "no comparison: the previous year has no data"),
            "quarter": pgettext("report", "no comparison: the previous quarter has no data"),
            "month": pgettext("report", "no comparison: the previous month has no data")}.get(kind) or pgettext(
        "report", "no comparison: the previous period has no data")


def _missing(kind):
    return {"year": pgettext("report", "the previous year has no data"),
            "quarter": pgettext("report", "the previous quarter has no data"),
            "month": pgettext("report", "the previous month has no data")}.get(kind) or pgettext(
        "report", "the previous period has no data")


def change_phrase(change, how, unit, kind, has_previous=True):
    """'up 20.2% year on year' / '同比增长20.2%', or a plain statement when there is nothing to compare."""
    if not has_previous:
        return _no_previous(kind)
    if change is None and how == "growth":
        return pgettext("report", "none in the previous period")
    if change is None:
        return pgettext("report", "no comparison: the previous figure is undefined")
    compared = _compared(kind)
    if how == "growth":
        amount = format_percent(abs(change))
        if amount == "0.0%":
            return pgettext("report", "unchanged %(compared)s") % {"compared": compared}
        if change > 0:
            return pgettext("report", "up %(amount)s %(compared)s") % {"amount": amount, "compared": compared}
        return pgettext("report", "down %(amount)s %(compared)s") % {"amount": amount, "compared": compared}
    if how == "points":
        value = _q(Decimal(repr(abs(change))) * 100, 1)
        amount = pgettext("report", "%(value)s percentage points") % {"value": value}
    elif unit == "days":
        value = _q(Decimal(repr(abs(change))), 1)
        amount = pgettext("report", "%(value)s days") % {"value": value}
    else:
        value = _q(Decimal(repr(abs(change))), 2)
        amount = pgettext("report", "%(value)s points out of 5") % {"value": value}
    if value == 0:
        return pgettext("report", "unchanged %(compared)s") % {"compared": compared}
    if unit == "days":
        if change > 0:
            return pgettext("report", "%(amount)s longer %(compared)s") % {"amount": amount, "compared": compared}
        return pgettext("report", "%(amount)s shorter %(compared)s") % {"amount": amount, "compared": compared}
    if change > 0:
        return pgettext("report", "rising %(amount)s %(compared)s") % {"amount": amount, "compared": compared}
    return pgettext("report", "falling %(amount)s %(compared)s") % {"amount": amount, "compared": compared}


def compact_change(change, how, unit):
    """The change for a table cell: '+20.2%', '−1.3 pp', '+0.4'; '—' when there is none."""
    if change is None:
        return "—"
    sign = "+" if change > 0 else ("−" if change < 0 else "")
    if how == "growth":
        return sign + format_percent(abs(change))
    if how == "points":
        return pgettext("report", "%(value)s pp") % {"value": sign + str(_q(Decimal(repr(abs(change))) * 100, 1))}
    return sign + str(_q(Decimal(repr(abs(change))), 2 if unit == "rating" else 1))


def format_value(value, unit):
    if value is None:
        return "—"
    if unit == "count":
        return _count_with_unit(value)
    if unit == "money":
        return format_money(value)
    if unit == "rate":
        return format_percent(value)
    if unit == "days":
        return pgettext("report", "%(value)s days") % {"value": _q(Decimal(repr(value)), 1)}
    return str(_q(Decimal(repr(value)), 2))


def _label(key):
    return {
        "total": pgettext("report", "Cases received (complaints, reports and consultations)"),
        "complaint": pgettext("report", "Complaints"),
        "report": pgettext("report", "Reports"),
        "consultation": pgettext("report", "Consultations"),
        "recovered": pgettext("report", "Recovered for consumers"),
        "online": pgettext("report", "Online shopping cases"),
        "online_share": pgettext("report", "Online shopping share"),
        "finished": pgettext("report", "Finished complaints"),
        "rated_share": pgettext("report", "Rated share"),
        "mean_rating": pgettext("report", "Mean rating (1–5)"),
        "resolved_share": pgettext("report", "Resolved share"),
        "satisfied_share": pgettext("report", "Satisfied share (rated 4 or 5)"),
        "accept_rate": pgettext("report", "Acceptance decided within 7 working days"),
        "close_rate": pgettext("report", "Mediation ended within its period"),
        "odr_share": pgettext("report", "ODR settlement share"),
        "odr_mean_days": pgettext("report", "Mean ODR settlement time"),
        "rated": pgettext("report", "Complaints rated"),
        "rating_sum": pgettext("report", "Sum of ratings"),
        "resolved": pgettext("report", "Said resolved"),
        "satisfied": pgettext("report", "Rated 4 or 5"),
        "accept_decided": pgettext("report", "Acceptance decided"),
        "accept_on_time": pgettext("report", "Acceptance decided within 7 working days (count)"),
        "close_decided": pgettext("report", "Mediation ended"),
        "close_on_time": pgettext("report", "Mediation ended within its period (count)"),
        "odr_settled": pgettext("report", "Settled by ODR businesses"),
        "odr_days_total": pgettext("report", "ODR settlement days, summed"),
    }[key]


def _formula(key):
    return {
        "total": pgettext("report", "complaints + reports + consultations received in the period"),
        "recovered": pgettext("report", "sum of the money recovered under mediation agreements and ODR settlements"),
        "online_share": pgettext("report", "online shopping cases ÷ all cases"),
        "rated_share": pgettext("report", "complaints rated ÷ finished complaints"),
        "mean_rating": pgettext("report", "sum of ratings ÷ complaints rated"),
        "resolved_share": pgettext("report", "said resolved ÷ all finished complaints (an unrated complaint never "
                                             "counts as resolved)"),
        "satisfied_share": pgettext("report", "rated 4 or 5 ÷ all finished complaints (an unrated complaint never "
                                              "counts as satisfied)"),
        "accept_rate": pgettext("report", "acceptance decided within 7 working days ÷ acceptance decided"),
        "close_rate": pgettext("report", "mediation ended within its period ÷ mediation ended"),
        "odr_share": pgettext("report", "settled by ODR businesses ÷ complaints"),
        "odr_mean_days": pgettext("report", "days from forwarding to settlement, summed ÷ ODR settlements"),
    }.get(key, "")


def _kind_name(kind):
    return {"complaint": pgettext("report", "Complaints"), "report": pgettext("report", "Reports"),
            "consultation": pgettext("report", "Consultations")}[kind]


def _term(row):
    return row["name_zh"] if _zh() else row["name_en"]


def _join(items):
    return pgettext("report", ", ").join(items)


def _platform(f, region_name):
    if f["region"] == NATION:
        return pgettext("report", "the 12315 platform nationwide")
    return pgettext("report", "the 12315 platform in %(region)s") % {"region": region_name}


def paragraphs(f, region_name):
    """The report's prose as [(section title, [paragraph, ...])], in the active language. When the previous
    period has no data, the first sentence says so once and the others give no comparison."""
    kind, has_prev = f["period_kind"], f["has_previous"]
    h = {r["key"]: r for r in f["headline"]}

    def ch(key):
        r = h[key]
        return change_phrase(r["change"], r["how"], r["unit"], kind, has_prev)

    cur = f["current"]
    period = period_name(f["start"], f["end"])
    overview = [
        pgettext("report", "In %(period)s, %(platform)s received %(total)s complaints, reports and consultations, "
                           "%(change)s.") % {"period": period, "platform": _platform(f, region_name),
                                             "total": format_count(cur["total"]), "change": ch("total")}]
    numbers = {"complaints": format_count(cur["complaint"]), "reports": format_count(cur["report"]),
               "consultations": format_count(cur["consultation"]), "recovered": format_money(cur["recovered"]),
               "online": format_count(cur["online"]), "share": format_percent(cur["online_share"] or 0)}
    if has_prev:
        overview += [
            pgettext("report", "Of these, %(complaints)s were complaints (%(complaints_change)s), %(reports)s reports "
                               "(%(reports_change)s) and %(consultations)s consultations "
                               "(%(consultations_change)s).") % {
                **numbers, "complaints_change": ch("complaint"), "reports_change": ch("report"),
                "consultations_change": ch("consultation")},
            pgettext("report", "Mediation and ODR settlements recovered %(recovered)s for consumers, %(change)s.") % {
                **numbers, "change": ch("recovered")},
            pgettext("report", "Online shopping accounted for %(online)s cases, %(share)s of all cases (online "
                               "shopping cases ÷ all cases), %(change)s.") % {**numbers, "change": ch("online")},
        ]
    else:
        overview += [
            pgettext("report", "Of these, %(complaints)s were complaints, %(reports)s reports and %(consultations)s "
                               "consultations.") % numbers,
            pgettext("report", "Mediation and ODR settlements recovered %(recovered)s for consumers.") % numbers,
            pgettext("report", "Online shopping accounted for %(online)s cases, %(share)s of all cases (online "
                               "shopping cases ÷ all cases).") % numbers,
        ]

    def item(r, name):
        if not has_prev:
            return pgettext("report", "%(name)s (%(count)s)") % {"name": name, "count": _count_with_unit(r["n"])}
        return pgettext("report", "%(name)s (%(count)s, %(change)s)") % {
            "name": name, "count": _count_with_unit(r["n"]),
            "change": change_phrase(r["growth"], "growth", "count", kind, has_prev)}

    hot = []
    cats = [r for r in f["categories"] if r["n"]][:TOP_PROSE]
    if cats:
        hot.append(pgettext("report", "By goods and services, the categories with the most complaints were: "
                                      "%(list)s.") % {"list": _join(item(r, _term(r)) for r in cats)})
    issues = [r for r in f["issues"] if r["n"]][:TOP_PROSE]
    if issues:
        hot.append(pgettext("report", "By the problem complained of, the leading issues were: %(list)s.") % {
            "list": _join(item(r, _term(r)) for r in issues)})
    if not has_prev:
        hot.append(pgettext("report", "No ranking of the fastest-growing issues is given because %(reason)s.") % {
            "reason": _missing(kind)})
    elif f["growing_issues"]:
        hot.append(pgettext("report", "The fastest-growing issues were: %(list)s (growth = (this period − previous "
                                      "period) ÷ previous period, counting only issues with at least %(min_base)s "
                                      "complaints in the previous period).") % {
            "list": _join(pgettext("report", "%(name)s (%(change)s)") % {
                "name": _term(r), "change": change_phrase(r["growth"], "growth", "count", kind)}
                for r in f["growing_issues"][:3]),
            "min_base": f["min_base"]})
    else:
        hot.append(pgettext("report", "No issue had at least %(min_base)s complaints in the previous period, so no "
                                      "ranking of the fastest-growing issues is given.") % {"min_base": f["min_base"]})
    if f["respondents"]:
        hot.append(pgettext("report", "The businesses with the most complaints and reports were: %(list)s.") % {
            "list": _join(pgettext("report", "%(name)s (%(count)s)") % {"name": r["name"],
                                                                         "count": _count_with_unit(r["n"])}
                          for r in f["respondents"][:TOP_PROSE])})

    handling = []
    rates = {"accept": format_percent(cur["accept_rate"] or 0), "close": format_percent(cur["close_rate"] or 0),
             "odr": format_percent(cur["odr_share"] or 0),
             "days": _q(Decimal(repr(cur["odr_mean_days"] or 0)), 1), "finished": format_count(cur["finished"]),
             "rated": format_percent(cur["rated_share"] or 0), "mean": _q(Decimal(repr(cur["mean_rating"] or 0)), 2),
             "resolved": format_percent(cur["resolved_share"] or 0),
             "satisfied": format_percent(cur["satisfied_share"] or 0)}
    changes = {"accept_change": ch("accept_rate"), "close_change": ch("close_rate"), "odr_change": ch("odr_share"),
               "days_change": ch("odr_mean_days"), "rated_change": ch("rated_share"),
               "mean_change": ch("mean_rating"), "resolved_change": ch("resolved_share")}
    if cur["accept_decided"] or cur["close_decided"]:
        if has_prev:
            handling.append(pgettext(
                "report", "Of the complaints whose acceptance was decided, %(accept)s were decided within 7 working "
                          "days of receipt (decided within 7 working days ÷ decided), %(accept_change)s; of the "
                          "mediations that ended, %(close)s ended within the mediation period (ended within the "
                          "period ÷ ended), %(close_change)s.") % {**rates, **changes})
        else:
            handling.append(pgettext(
                "report", "Of the complaints whose acceptance was decided, %(accept)s were decided within 7 working "
                          "days of receipt (decided within 7 working days ÷ decided); of the mediations that ended, "
                          "%(close)s ended within the mediation period (ended within the period ÷ ended).") % rates)
    if cur["complaint"] and cur["odr_settled"]:
        if has_prev:
            handling.append(pgettext(
                "report", "ODR businesses settled %(odr)s of complaints directly (settled by ODR businesses ÷ "
                          "complaints), %(odr_change)s, taking %(days)s days on average (days from forwarding to "
                          "settlement, summed ÷ ODR settlements), %(days_change)s.") % {**rates, **changes})
        else:
            handling.append(pgettext(
                "report", "ODR businesses settled %(odr)s of complaints directly (settled by ODR businesses ÷ "
                          "complaints), taking %(days)s days on average (days from forwarding to settlement, summed ÷ "
                          "ODR settlements).") % rates)
    elif cur["complaint"]:
        handling.append(pgettext(
            "report", "ODR businesses settled %(odr)s of complaints directly (settled by ODR businesses ÷ "
                      "complaints).") % rates)
    if cur["finished"]:
        if has_prev:
            handling.append(pgettext(
                "report", "Of the %(finished)s finished complaints, consumers rated %(rated)s (rated ÷ finished), "
                          "%(rated_change)s, with a mean rating of %(mean)s out of 5 (sum of ratings ÷ rated), "
                          "%(mean_change)s; %(resolved)s said their problem was resolved (%(resolved_change)s) and "
                          "%(satisfied)s rated the handling 4 or 5 (each ÷ all finished complaints: an unrated "
                          "complaint never counts as resolved or satisfied).") % {**rates, **changes})
        else:
            handling.append(pgettext(
                "report", "Of the %(finished)s finished complaints, consumers rated %(rated)s (rated ÷ finished), "
                          "with a mean rating of %(mean)s out of 5 (sum of ratings ÷ rated); %(resolved)s said their "
                          "problem was resolved and %(satisfied)s rated the handling 4 or 5 (each ÷ all finished "
                          "complaints: an unrated complaint never counts as resolved or satisfied).") % rates)
    return [(pgettext("report", "1. Overview"), overview),
            (pgettext("report", "2. Hot spots"), hot),
            (pgettext("report", "3. Handling, timeliness and satisfaction"), handling)]


# -- Report -------------------------------------------------------------------------------------------

@dataclass
class Report:
    pdf: bytes
    xlsx: bytes
    filename_stem: str
    figures: dict
    language: str
    paragraphs: list = field(default_factory=list)  # the prose sentences, as rendered (for checks)


def _local(moment):
    if not moment:
        return "—"
    if isinstance(moment, str):
        moment = dt.datetime.fromisoformat(moment)
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") + " (UTC+8)"


def build(*, region, period, language="zh-hans"):
    """The report for a region (division code, '100000' for the nation) and a period text."""
    from ombud.regions.models import Region

    codes = [code for code, _ in settings.LANGUAGES]
    if language not in codes:
        raise ReportError(f"language {language!r} is not available: use one of {', '.join(codes)}")
    start, end, previous_start, previous_end, label = parse_period(period)
    region = (region or NATION).strip()
    place = Region.objects.filter(pk=region).first()
    if place is None and region != NATION:
        raise UnknownRegion(f"region {region!r} does not exist: give a 6-digit division code (GB/T 2260) such as "
                            f"330000, or {NATION} for the nation")
    f = figures(region=region, start=start, end=end, previous=(previous_start, previous_end))
    if not f["total"]:
        from . import store

        m = store.manifest()
        held = (f"; the store holds {m['months'][0]} to {m['months'][-1]} (as of {m['as_of']})"
                if m and m.get("months") else "; the analytical store has not been built (run its refresh)")
        raise NoData(f"no data for region {region} in period {label} ({start} to {end}) in the analytical store" + held)
    with translation.override(language):
        region_name = (place.full_name or place.name) if place else ""
        if region == NATION:
            region_name = pgettext("report", "Nationwide")
        sections = paragraphs(f, region_name)
        meta = {
            "label": label, "region_name": region_name, "region_full": (place.full_name if place else region),
            "period": period_name(start, end), "previous": period_name(previous_start, previous_end),
            "generated": _local(timezone.now()), "as_of": _local(f["as_of"]), "language": language,
        }
        pdf = render_pdf(f, sections, meta)
        xlsx = render_xlsx(f, sections, meta)
    flat = [p for _, ps in sections for p in ps]
    return Report(pdf=pdf, xlsx=xlsx, filename_stem=f"report-{region}-{label}", figures=f, language=language,
                  paragraphs=flat)


# -- PDF ----------------------------------------------------------------------------------------------

RED = (165, 24, 24)
NAVY = (31, 73, 125)
INK = (34, 34, 34)
GREY = (110, 110, 110)
RULE = (200, 200, 200)
GRID = (228, 228, 228)
ZEBRA = (243, 245, 249)
KIND_COLORS = {"complaint": (31, 73, 125), "report": (192, 80, 77), "consultation": (222, 170, 60)}
PREVIOUS_COLOR = (178, 178, 178)
LINE_COLOR = (70, 70, 70)


def _doc_class():
    from fpdf import FPDF

    class Doc(FPDF):
        running = ""
        page_label = ""

        def header(self):
            if self.page_no() == 1:
                return
            self.set_font("cjk", size=8)
            self.set_text_color(*GREY)
            self.set_xy(self.l_margin, 10)
            self.cell(0, 5, self.running, align="R")
            self.set_draw_color(*RED)
            self.set_line_width(0.5)
            self.line(self.l_margin, 16, self.w - self.r_margin, 16)
            self.set_y(self.t_margin)

        def footer(self):
            self.set_y(-14)
            self.set_font("cjk", size=8)
            self.set_text_color(*GREY)
            self.cell(0, 5, self.page_label % {"page": self.page_no(), "pages": self.str_alias_nb_pages}, align="C")

    return Doc


def _wrap(zh):
    from fpdf.enums import WrapMode

    return WrapMode.CHAR if zh else WrapMode.WORD


def _ensure(pdf, height):
    if pdf.get_y() + height > pdf.h - pdf.b_margin:
        pdf.add_page()


def _h1(pdf, text):
    _ensure(pdf, 24)
    pdf.ln(2)
    pdf.set_font("cjk", size=14)
    pdf.set_text_color(*RED)
    pdf.cell(0, 8, text, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1.5)


# Chinese line breaking (禁则): no closing punctuation at the start of a line, no opening one at its end,
# and a run of Latin letters and digits ("3.5343", "2023-01-01", "ODR") is never split.
CLOSING = set("，。、；：？！）》」』”’％%…,.;:?!)]·—～")
OPENING = set("（《「『“‘([")
_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9.,%+\-−:/·]*|.", re.DOTALL)


def _zh_lines(pdf, text, width):
    lines, line = [], []
    for token in _TOKEN.findall(text):
        if line and pdf.get_string_width("".join(line) + token) > width:
            carry = []
            if token in CLOSING and len(line) > 1:
                carry = [line.pop()]  # take the last token down with the punctuation
            while len(line) > 1 and line[-1] in OPENING:
                carry.insert(0, line.pop())
            lines.append("".join(line))
            line = carry
        line.append(token)
    if line:
        lines.append("".join(line))
    return lines


def _zh_block(pdf, text, size, height, color=INK, justify=True):
    """Chinese text set line by line, each full line justified by character spacing."""
    pdf.set_font("cjk", size=size)
    pdf.set_text_color(*color)
    width = pdf.epw
    lines = _zh_lines(pdf, text, width)
    for i, line in enumerate(lines):
        if pdf.get_y() + height > pdf.h - pdf.b_margin:
            pdf.add_page()
            pdf.set_font("cjk", size=size)
            pdf.set_text_color(*color)
        spacing = 0.0
        if justify and i < len(lines) - 1 and len(line) > 1:
            spacing = (width - pdf.get_string_width(line)) / (len(line) - 1) * pdf.k
        pdf.set_char_spacing(max(0.0, spacing))
        pdf.set_x(pdf.l_margin)
        pdf.cell(width, height, line, new_x="LMARGIN", new_y="NEXT")
        pdf.set_char_spacing(0)


def _para(pdf, text, zh):
    if zh:
        _zh_block(pdf, "\u3000\u3000" + text, 10.5, 6.6)
    else:
        pdf.set_font("cjk", size=10.5)
        pdf.set_text_color(*INK)
        pdf.multi_cell(0, 6.6, text, align="L", wrapmode=_wrap(zh), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1.6)


def _caption(pdf, text):
    pdf.set_font("cjk", size=10)
    pdf.set_text_color(*NAVY)
    pdf.cell(0, 7, text, align="C", new_x="LMARGIN", new_y="NEXT")


def _note(pdf, text, zh):
    if zh:
        _zh_block(pdf, text, 7.5, 4.2, color=GREY)
        return
    pdf.set_font("cjk", size=7.5)
    pdf.set_text_color(*GREY)
    pdf.multi_cell(0, 4.2, text, align="L", wrapmode=_wrap(zh), new_x="LMARGIN", new_y="NEXT")


def _table(pdf, zh, title, headings, rows, widths, aligns, note=None):
    from fpdf.enums import TableCellFillMode
    from fpdf.fonts import FontFace

    _ensure(pdf, 30)
    _caption(pdf, title)
    pdf.set_font("cjk", size=8.5)
    pdf.set_text_color(*INK)
    pdf.set_draw_color(*RULE)
    pdf.set_fill_color(255, 255, 255)
    pdf.set_line_width(0.2)
    with pdf.table(width=pdf.epw, col_widths=widths, text_align=aligns, line_height=4.6,
                   borders_layout="HORIZONTAL_LINES", headings_style=FontFace(emphasis="", color=(255, 255, 255),
                                                                             fill_color=NAVY),
                   cell_fill_color=ZEBRA, cell_fill_mode=TableCellFillMode.ROWS, wrapmode=_wrap(zh),
                   padding=(1.3, 1.5), v_align="MIDDLE") as table:
        row = table.row()
        for h in headings:
            row.cell(h, align="C")
        for values in rows:
            row = table.row()
            for v in values:
                row.cell(str(v))
    if note:
        pdf.ln(1)
        _note(pdf, note, zh)
    pdf.ln(4)


def _nice(peak):
    """A round axis top and step for values up to `peak`."""
    if peak <= 0:
        return 5, 1
    raw = peak / 5
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    step = max(step, 1)
    return step * math.ceil(peak / step), step


def _tick(v, top, zh):
    if zh and top >= 100_000:
        return f"{v / 10_000:g}万"
    if not zh and top >= 1_000_000:
        return f"{v / 1_000_000:g}M"
    if not zh and top >= 10_000:
        return f"{v / 1_000:g}k"
    return f"{round(v):,}"


def _legend(pdf, y, items):
    """items: [(name, color, "bar" | "line")], centred on one row at y."""
    pdf.set_font("cjk", size=7.5)
    widths = [6 + pdf.get_string_width(name) + 6 for name, _, _ in items]
    x = pdf.l_margin + (pdf.epw - sum(widths)) / 2
    for (name, color, style), w in zip(items, widths):
        if style == "line":
            pdf.set_draw_color(*color)
            pdf.set_line_width(0.5)
            pdf.set_dash_pattern(dash=1.2, gap=0.8)
            pdf.line(x, y + 1.6, x + 4.5, y + 1.6)
            pdf.set_dash_pattern()
        else:
            pdf.set_fill_color(*color)
            pdf.rect(x, y, 3.2, 3.2, style="F")
        pdf.set_text_color(*INK)
        pdf.text(x + 5.5, y + 2.8, name)
        x += w


def _column_chart(pdf, zh, title, labels, stacks, line=None, unit=""):
    """Stacked columns (one stack per label), with an optional dashed line (the previous period)."""
    height = 82
    _ensure(pdf, height + 10)
    _caption(pdf, title)
    x0, y0, width = pdf.l_margin, pdf.get_y(), pdf.epw
    items = [(name, color, "bar") for name, color, _ in stacks]
    if line:
        items.append((line[0], LINE_COLOR, "line"))
    _legend(pdf, y0, items)
    left, right, top, bottom = x0 + 16, x0 + width - 2, y0 + 11, y0 + height - 9
    n = len(labels)
    totals = [sum(values[i] for _, _, values in stacks) for i in range(n)]
    peak = max(totals + [v for v in (line[1] if line else []) if v is not None] + [0])
    top_value, step = _nice(peak)
    pdf.set_font("cjk", size=7)
    pdf.set_line_width(0.2)
    v = 0
    while v <= top_value + 1e-9:
        y = bottom - (bottom - top) * v / top_value
        pdf.set_draw_color(*GRID)
        pdf.line(left, y, right, y)
        s = _tick(v, top_value, zh)
        pdf.set_text_color(*GREY)
        pdf.text(left - 1.5 - pdf.get_string_width(s), y + 1.1, s)
        v += step
    pdf.text(x0, top - 3.5, unit)
    slot = (right - left) / max(n, 1)
    bar = min(slot * 0.62, 16)
    for i in range(n):
        y = bottom
        x = left + slot * i + (slot - bar) / 2
        for _, color, values in stacks:
            h = (bottom - top) * values[i] / top_value
            if h > 0:
                pdf.set_fill_color(*color)
                pdf.rect(x, y - h, bar, h, style="F")
                y -= h
    every = max(1, math.ceil(n / 16))
    pdf.set_text_color(*GREY)
    for i in range(0, n, every):
        s = labels[i]
        pdf.text(left + slot * (i + 0.5) - pdf.get_string_width(s) / 2, bottom + 4, s)
    pdf.set_draw_color(*GREY)
    pdf.set_line_width(0.3)
    pdf.line(left, bottom, right, bottom)
    if line:
        points = [(left + slot * (i + 0.5), bottom - (bottom - top) * v / top_value)
                  for i, v in enumerate(line[1]) if v is not None]
        if len(points) > 1:
            pdf.set_draw_color(*LINE_COLOR)
            pdf.set_line_width(0.45)
            pdf.set_dash_pattern(dash=1.2, gap=0.8)
            pdf.polyline(points)
            pdf.set_dash_pattern()
        pdf.set_fill_color(*LINE_COLOR)
        for x, y in points:
            pdf.rect(x - 0.6, y - 0.6, 1.2, 1.2, style="F")
    pdf.set_y(y0 + height + 3)


def _hbar_chart(pdf, zh, title, rows, names):
    """Horizontal bars, one group per row: [(label, current, previous or None)], largest first."""
    has_previous = any(p is not None for _, _, p in rows)
    bar = 3.0
    row_h = (2 * bar + 3.6) if has_previous else (bar + 3.6)
    height = 12 + row_h * len(rows) + 8
    _ensure(pdf, height + 10)
    _caption(pdf, title)
    x0, y0, width = pdf.l_margin, pdf.get_y(), pdf.epw
    items = [(names[0], NAVY, "bar")] + ([(names[1], PREVIOUS_COLOR, "bar")] if has_previous else [])
    _legend(pdf, y0, items)
    label_w = 38 if zh else 46
    left, right = x0 + label_w, x0 + width - 16
    top, bottom = y0 + 8, y0 + 8 + row_h * len(rows) + 2
    peak = max([c for _, c, _ in rows] + [p or 0 for _, _, p in rows] + [0])
    top_value, step = _nice(peak)
    pdf.set_font("cjk", size=7)
    pdf.set_line_width(0.2)
    v = 0
    while v <= top_value + 1e-9:
        x = left + (right - left) * v / top_value
        pdf.set_draw_color(*GRID)
        pdf.line(x, top, x, bottom)
        s = _tick(v, top_value, zh)
        pdf.set_text_color(*GREY)
        pdf.text(x - pdf.get_string_width(s) / 2, bottom + 3.5, s)
        v += step
    for i, (label, current, previous) in enumerate(rows):
        y = top + 2 + i * row_h
        pdf.set_font("cjk", size=8)
        pdf.set_text_color(*INK)
        text = label
        while pdf.get_string_width(text) > label_w - 3 and len(text) > 2:
            text = text[:-2] + "…"
        group_h = (2 * bar if has_previous else bar)
        pdf.text(left - 2 - pdf.get_string_width(text), y + group_h / 2 + 1.2, text)
        pdf.set_font("cjk", size=6.5)
        for j, (value, color) in enumerate(((current, NAVY), (previous, PREVIOUS_COLOR))):
            if value is None or (j == 1 and not has_previous):
                continue
            w = (right - left) * value / top_value
            pdf.set_fill_color(*color)
            if w > 0:
                pdf.rect(left, y + j * bar, w, bar * 0.9, style="F")
            pdf.set_text_color(*GREY)
            pdf.text(left + w + 1, y + j * bar + bar * 0.72, f"{value:,}")
    pdf.set_draw_color(*GREY)
    pdf.set_line_width(0.3)
    pdf.line(left, top, left, bottom)
    pdf.set_y(bottom + 7)


def _series_labels(f, zh):
    out = []
    for row in f["series"]["rows"]:
        d = row["period"]
        if f["series"]["interval"] == "day":
            out.append(str(d.day))
        else:
            out.append(f"{d.month}月" if zh else d.strftime("%b"))
    return out


def _cover(pdf, f, meta, zh):
    pdf.add_page()
    pdf.set_y(28)
    pdf.set_font("cjk", size=12)
    pdf.set_text_color(*GREY)
    pdf.cell(0, 7, pgettext("report", "12315 Platform for Consumer Complaints and Reports"), align="C",
             new_x="LMARGIN", new_y="NEXT")
    pdf.set_draw_color(*RED)
    pdf.set_line_width(1.2)
    pdf.line(pdf.l_margin, 40, pdf.w - pdf.r_margin, 40)
    pdf.set_line_width(0.3)
    pdf.line(pdf.l_margin, 41.6, pdf.w - pdf.r_margin, 41.6)
    pdf.set_y(58)
    pdf.set_text_color(*RED)
    pdf.set_font("cjk", size=26 if zh else 22)
    pdf.multi_cell(0, 13, meta["region_name"], align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", size=22 if zh else 17)
    pdf.multi_cell(0, 11, pgettext("report", "Statistical Report on Consumer Complaints, Reports and Consultations"),
                   align="C", wrapmode=_wrap(zh), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.set_font("cjk", size=16)
    pdf.set_text_color(*NAVY)
    pdf.cell(0, 9, meta["period"], align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(12)
    info = [
        (pgettext("report", "Region"), f"{meta['region_full']}（{f['region']}）" if zh
         else f"{meta['region_full']} ({f['region']})"),
        (pgettext("report", "Period"), f"{meta['period']}: {f['start']} – {f['end']}" if not zh
         else f"{meta['period']}：{f['start']} 至 {f['end']}"),
        (pgettext("report", "Compared with"), (f"{meta['previous']}: {f['previous_start']} – {f['previous_end']}"
                                                if not zh else
                                                f"{meta['previous']}：{f['previous_start']} 至 {f['previous_end']}")),
        (pgettext("report", "Data as of"), meta["as_of"]),
        (pgettext("report", "Generated at"), meta["generated"]),
    ]
    pdf.set_font("cjk", size=10.5)
    for label, value in info:
        pdf.set_x(pdf.l_margin + 22)
        pdf.set_text_color(*GREY)
        pdf.cell(34, 7.5, label, align="R")
        pdf.set_text_color(*INK)
        pdf.cell(4, 7.5, "")
        pdf.cell(0, 7.5, value, new_x="LMARGIN", new_y="NEXT")
    # Key figures
    h = {r["key"]: r for r in f["headline"]}
    cur = f["current"]
    boxes = [("total", _count_with_unit(cur["total"])), ("complaint", _count_with_unit(cur["complaint"])),
             ("recovered", format_money(cur["recovered"])), ("online", _count_with_unit(cur["online"])),
             ("accept_rate", _maybe_percent(cur["accept_rate"])), ("close_rate", _maybe_percent(cur["close_rate"])),
             ("odr_share", _maybe_percent(cur["odr_share"])), ("resolved_share", _maybe_percent(cur["resolved_share"]))]
    w = (pdf.epw - 3 * 4) / 4
    for i, (key, value) in enumerate(boxes):
        x = pdf.l_margin + (i % 4) * (w + 4)
        y = 170 + (i // 4) * 36
        pdf.set_fill_color(*ZEBRA)
        pdf.rect(x, y, w, 32, style="F")
        pdf.set_fill_color(*(RED if i < 4 else NAVY))
        pdf.rect(x, y, w, 1.0, style="F")
        pdf.set_xy(x + 2, y + 3)
        pdf.set_font("cjk", size=7.5)
        pdf.set_text_color(*GREY)
        pdf.multi_cell(w - 4, 3.6, _label(key), align="C", wrapmode=_wrap(zh), new_x="LMARGIN", new_y="NEXT")
        pdf.set_xy(x, y + 12.5)
        pdf.set_font("cjk", size=12.5)
        pdf.set_text_color(*NAVY)
        pdf.cell(w, 7, value, align="C")
        pdf.set_xy(x + 2, y + 21.5)
        pdf.set_font("cjk", size=7)
        pdf.set_text_color(*GREY)
        r = h[key]
        pdf.multi_cell(w - 4, 3.4, change_phrase(r["change"], r["how"], r["unit"], f["period_kind"],
                                                 f["has_previous"]),
                       align="C", wrapmode=_wrap(zh), new_x="LMARGIN", new_y="NEXT")
    pdf.set_y(252)
    _note(pdf, pgettext("report", "Counts are of the cases received in the period and handled by authorities in the "
                                  "region; outcomes (money recovered, timeliness, ratings) are those cases' outcomes "
                                  "as recorded when the data was taken. Every rate states its formula; a complaint the "
                                  "consumer never rated never counts as resolved or satisfied."), zh)


def render_pdf(f, sections, meta):
    """The report as PDF bytes (A4, embedded CJK font subset, charts drawn with fpdf2 primitives)."""
    from ombud.documents.pdf import font_path

    zh = _zh()
    path = font_path()
    pdf = _doc_class()(format="A4")
    pdf.set_margins(20, 22, 20)
    pdf.set_auto_page_break(True, margin=20)
    pdf.add_font("cjk", fname=path, **({"collection_font_number": 0} if path.endswith(".ttc") else {}))
    title = pgettext("report", "Statistical Report on Consumer Complaints, Reports and Consultations")
    pdf.running = f"{meta['region_name']} · {title} · {meta['period']}" if not zh else \
        f"{meta['region_name']}{title}（{meta['period']}）"
    pdf.page_label = pgettext("report", "Page %(page)s of %(pages)s")
    pdf.set_title(f"{meta['region_name']} {title} {meta['period']}")
    pdf.set_author("Ombud")
    pdf.set_creator("ombud report")
    pdf.set_lang("zh-CN" if zh else "en")
    pdf.set_creation_date(timezone.now())
    _cover(pdf, f, meta, zh)

    pdf.add_page()
    for heading, paras in sections:
        _h1(pdf, heading)
        for p in paras:
            _para(pdf, p, zh)

    _h1(pdf, pgettext("report", "4. Figures and tables"))
    this, before = meta["period"], meta["previous"]
    rows = []
    for r in f["headline"]:
        rows.append([_label(r["key"]), format_value(r["value"], r["unit"]), format_value(r["previous"], r["unit"]),
                     compact_change(r["change"], r["how"], r["unit"]), _formula(r["key"]) or "—"])
    _table(pdf, zh, pgettext("report", "Table 1. Headline figures"),
           [pgettext("report", "Figure"), this, before, pgettext("report", "Change"), pgettext("report", "Formula")],
           rows, (44, 25, 25, 21, 55), ("LEFT", "RIGHT", "RIGHT", "RIGHT", "LEFT"),
           note=_change_note(f))

    labels = _series_labels(f, zh)
    stacks = [(_kind_name(k), KIND_COLORS[k], [row[k] for row in f["series"]["rows"]]) for k in KINDS]
    line = None
    if f["has_previous"]:
        line = (pgettext("report", "All cases, %(period)s") % {"period": before},
                [row["previous_total"] for row in f["series"]["rows"]])
    chart_title = (pgettext("report", "Figure 1. Cases received by day, by kind") if f["series"]["interval"] == "day"
                   else pgettext("report", "Figure 1. Cases received by month, by kind"))
    _column_chart(pdf, zh, chart_title, labels, stacks, line, unit=pgettext("report", "cases"))

    issues = [r for r in f["issues"] if r["n"] or r["previous"]][:10]
    _hbar_chart(pdf, zh, pgettext("report", "Figure 2. Leading issues in complaints"),
                [(_term(r), r["n"], r["previous"]) for r in issues], (this, before))

    cats = f["categories"][:TOP_TABLE]
    _table(pdf, zh, pgettext("report", "Table 2. Leading goods and service categories in complaints"),
           [pgettext("report", "Rank"), pgettext("report", "Category"), pgettext("report", "Goods or service"),
            this, pgettext("report", "Share of complaints"), before, pgettext("report", "Change")],
           [[i + 1, _term(r), _group(r["group"]), _number(r["n"]), format_percent(r["share"] or 0),
             _maybe_number(r["previous"]), compact_change(r["growth"], "growth", "count")] for i, r in enumerate(cats)],
           (12, 46, 22, 22, 24, 22, 22), ("CENTER", "LEFT", "LEFT", "RIGHT", "RIGHT", "RIGHT", "RIGHT"),
           note=pgettext("report", "Share of complaints = complaints in the category ÷ all complaints. Change = (this "
                                   "period − previous period) ÷ previous period."))

    growth_rank = {r["code"]: i + 1 for i, r in enumerate(f["growing_issues"])}
    _table(pdf, zh, pgettext("report", "Table 3. Issues in complaints, and their growth"),
           [pgettext("report", "Rank"), pgettext("report", "Issue"), this, pgettext("report", "Share of complaints"),
            before, pgettext("report", "Change"), pgettext("report", "Growth rank")],
           [[i + 1, _term(r), _number(r["n"]), format_percent(r["share"] or 0), _maybe_number(r["previous"]),
             compact_change(r["growth"], "growth", "count"), growth_rank.get(r["code"], "—")]
            for i, r in enumerate(f["issues"])],
           (12, 44, 24, 26, 24, 22, 18), ("CENTER", "LEFT", "RIGHT", "RIGHT", "RIGHT", "RIGHT", "CENTER"),
           note=pgettext("report", "Growth = (this period − previous period) ÷ previous period. The growth rank "
                                   "counts only issues with at least %(min_base)s complaints in the previous period, "
                                   "so that small counts do not dominate.") % {"min_base": f["min_base"]})

    if f["respondents"]:
        _table(pdf, zh, pgettext("report", "Table 4. Businesses with the most complaints and reports"),
               [pgettext("report", "Rank"), pgettext("report", "Business"), this, before,
                pgettext("report", "Change")],
               [[i + 1, r["name"], _number(r["n"]), _maybe_number(r["previous"]),
                 compact_change(r["growth"], "growth", "count")] for i, r in enumerate(f["respondents"])],
               (12, 86, 24, 24, 24), ("CENTER", "LEFT", "RIGHT", "RIGHT", "RIGHT"),
               note=pgettext("report", "Counts are complaints and reports naming the business as respondent."))

    if f["regions"]:
        _table(pdf, zh, pgettext("report", "Table 5. Cases and handling by region"),
               [pgettext("report", "Region"), pgettext("report", "Cases"), pgettext("report", "Change"),
                pgettext("report", "Complaints"), pgettext("report", "Recovered"),
                pgettext("report", "Acceptance on time"), pgettext("report", "Mediation on time"),
                pgettext("report", "ODR share")],
               [[r["name"], _number(r["n"]), compact_change(r["growth"], "growth", "count"), _number(r["complaints"]),
                 format_money(r["recovered"]), _maybe_percent(r["accept_rate"]), _maybe_percent(r["close_rate"]),
                 _maybe_percent(r["odr_share"])] for r in f["regions"]],
               (30, 18, 17, 19, 28, 20, 20, 18), ("LEFT",) + ("RIGHT",) * 7,
               note=pgettext("report", "Acceptance on time = acceptance decided within 7 working days ÷ acceptance "
                                       "decided; mediation on time = mediation ended within its period ÷ mediation "
                                       "ended; ODR share = settled by ODR businesses ÷ complaints."))

    if f["channels"]:
        _table(pdf, zh, pgettext("report", "Table 6. Cases by channel"),
               [pgettext("report", "Channel"), pgettext("report", "Cases"), pgettext("report", "Share")],
               [[_channel(r["code"]), _number(r["n"]), format_percent(r["share"] or 0)] for r in f["channels"]],
               (80, 45, 45), ("LEFT", "RIGHT", "RIGHT"),
               note=pgettext("report", "Share = cases received through the channel ÷ all cases."))

    _h1(pdf, pgettext("report", "5. Notes"))
    notes = _notes(f, meta)
    _para(pdf, notes[0], zh)
    _table(pdf, zh, pgettext("report", "Table 7. Formulas of the rates"),
           [pgettext("report", "Figure"), pgettext("report", "Formula")],
           [[_label(key), _formula(key)] for key in RATES] + [[pgettext("report", "Growth"), _growth_formula(f)]],
           (50, 120), ("LEFT", "LEFT"))
    return bytes(pdf.output())


def _change_note(f):
    note = pgettext("report", "Change: growth = (this period − previous period) ÷ previous period for counts and "
                              "money; this period − previous period, in percentage points (pp), for rates; the "
                              "difference for the mean rating and the days.")
    if not f["has_previous"]:
        note += " " + pgettext("report", "— : %(reason)s.") % {"reason": _missing(f["period_kind"])}
    return note


def _notes(f, meta):
    out = [pgettext("report", "Scope: cases received from %(start)s to %(end)s and handled by market supervision "
                              "authorities in %(region)s; the comparison period is %(previous_start)s to "
                              "%(previous_end)s. The data was taken from the analytical store as of %(as_of)s.") % {
        "start": f["start"], "end": f["end"], "region": meta["region_name"], "previous_start": f["previous_start"],
        "previous_end": f["previous_end"], "as_of": meta["as_of"]}]
    for key in RATES:
        out.append(f"{_label(key)} = {_formula(key)}")
    out.append(f"{pgettext('report', 'Growth')} = {_growth_formula(f)}")
    return out


RATES = ("online_share", "rated_share", "mean_rating", "resolved_share", "satisfied_share", "accept_rate",
         "close_rate", "odr_share", "odr_mean_days")


def _growth_formula(f):
    return pgettext("report", "(this period − previous period) ÷ previous period; the fastest-growing issues count "
                              "only issues with at least %(min_base)s complaints in the previous period") % {
        "min_base": f["min_base"]}


def _group(group):
    return {"goods": pgettext("report", "goods"), "services": pgettext("report", "services")}.get(group, group or "—")


def _channel(code):
    from ombud.cases.models import Channel

    try:
        return str(Channel(code).label)
    except ValueError:
        return code


def _maybe_number(n):
    return "—" if n is None else _number(n)


def _maybe_percent(x):
    return "—" if x is None else format_percent(x)


# -- XLSX ---------------------------------------------------------------------------------------------

def _cell(row, col, absolute=False):
    from xlsxwriter.utility import xl_rowcol_to_cell

    return xl_rowcol_to_cell(row, col, row_abs=absolute, col_abs=absolute)


def render_xlsx(f, sections, meta):
    """The report as an XLSX workbook: headline figures (rates as formulas over the counts beside them, each
    formula also stated in words), categories, issues, respondents, regions, the series and channels, with
    native charts."""
    import xlsxwriter

    zh = _zh()
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    title = pgettext("report", "Statistical Report on Consumer Complaints, Reports and Consultations")
    wb.set_properties({"title": f"{meta['region_name']} {title} {meta['period']}", "author": "Ombud",
                       "comments": "ombud report"})
    pp = pgettext("report", "pp")
    fm = {
        "title": wb.add_format({"bold": True, "font_size": 14, "font_color": "#A51818"}),
        "meta": wb.add_format({"font_color": "#555555"}),
        "head": wb.add_format({"bold": True, "font_color": "#FFFFFF", "bg_color": "#1F497D", "text_wrap": True,
                               "valign": "vcenter", "border": 1, "border_color": "#C8C8C8"}),
        "text": wb.add_format({"text_wrap": True, "valign": "top"}),
        "int": wb.add_format({"num_format": "#,##0"}),
        "money": wb.add_format({"num_format": "#,##0.00"}),
        "pct": wb.add_format({"num_format": "0.0%"}),
        "pp": wb.add_format({"num_format": f'+0.0"{pp}";-0.0"{pp}";0.0"{pp}"'}),
        "diff": wb.add_format({"num_format": "+0.00;-0.00;0.00"}),
        "dec": wb.add_format({"num_format": "0.00"}),
        "note": wb.add_format({"italic": True, "font_color": "#555555", "text_wrap": True, "valign": "top"}),
        "section": wb.add_format({"bold": True, "font_color": "#A51818"}),
    }
    this, before = meta["period"], meta["previous"]
    has_prev = f["has_previous"]

    # Headline
    ws = wb.add_worksheet(pgettext("report", "Headline"))
    ws.set_column(0, 0, 46)
    ws.set_column(1, 2, 18)
    ws.set_column(3, 3, 16)
    ws.set_column(4, 4, 72)
    ws.write(0, 0, f"{meta['region_name']} {title}" if not zh else f"{meta['region_name']}{title}", fm["title"])
    ws.write(1, 0, f"{pgettext('report', 'Region')}: {meta['region_full']} ({f['region']})", fm["meta"])
    ws.write(2, 0, f"{pgettext('report', 'Period')}: {this} ({f['start']} – {f['end']}); "
                   f"{pgettext('report', 'Compared with')}: {before} ({f['previous_start']} – {f['previous_end']})",
             fm["meta"])
    ws.write(3, 0, f"{pgettext('report', 'Data as of')}: {meta['as_of']}; {pgettext('report', 'Generated at')}: "
                   f"{meta['generated']}", fm["meta"])
    head = 5
    for c, text in enumerate([pgettext("report", "Figure"), this, before, pgettext("report", "Change"),
                              pgettext("report", "Formula")]):
        ws.write(head, c, text, fm["head"])
    cur, prev = f["current"], f["previous"] or {}
    counts = ["total", "complaint", "report", "consultation", "recovered", "online", "finished", "rated", "rating_sum",
              "resolved", "satisfied", "accept_decided", "accept_on_time", "close_decided", "close_on_time",
              "odr_settled", "odr_days_total"]
    rates = {  # key: (numerator, denominator, how, format)
        "online_share": ("online", "total", "points", "pct"), "rated_share": ("rated", "finished", "points", "pct"),
        "mean_rating": ("rating_sum", "rated", "value", "dec"),
        "resolved_share": ("resolved", "finished", "points", "pct"),
        "satisfied_share": ("satisfied", "finished", "points", "pct"),
        "accept_rate": ("accept_on_time", "accept_decided", "points", "pct"),
        "close_rate": ("close_on_time", "close_decided", "points", "pct"),
        "odr_share": ("odr_settled", "complaint", "points", "pct"),
        "odr_mean_days": ("odr_days_total", "odr_settled", "value", "dec"),
    }
    where = {}
    r = head + 1
    for key in counts:
        where[key] = r
        fmt = fm["money"] if key == "recovered" else (fm["dec"] if key == "odr_days_total" else fm["int"])
        ws.write(r, 0, _label(key))
        value = float(cur[key]) if key in ("recovered", "odr_days_total") else cur[key]
        ws.write_number(r, 1, value, fmt)
        if has_prev:
            pv = float(prev[key]) if key in ("recovered", "odr_days_total") else prev[key]
            ws.write_number(r, 2, pv, fmt)
            b, c = _cell(r, 1), _cell(r, 2)
            ws.write_formula(r, 3, f'=IF({c}=0,"",{b}/{c}-1)', fm["pct"], _growth(value, pv) if pv else "")
        else:
            ws.write(r, 3, _no_previous(f["period_kind"]), fm["note"])
        ws.write(r, 4, _formula(key))
        r += 1
    for key, (num, den, how, fmt) in rates.items():
        where[key] = r
        ws.write(r, 0, _label(key))
        for col, source in ((1, cur), (2, prev if has_prev else None)):
            if source is None:
                continue
            n, d = _cell(where[num], col), _cell(where[den], col)
            value = _ratio(source[num], source[den])
            ws.write_formula(r, col, f'=IF({d}=0,"",{n}/{d})', fm[fmt], "" if value is None else value)
        if has_prev:
            b, c = _cell(r, 1), _cell(r, 2)
            change = _change(cur[key], prev.get(key), how, True)
            if how == "points":
                ws.write_formula(r, 3, f'=IF(OR({b}="",{c}=""),"",({b}-{c})*100)', fm["pp"],
                                 "" if change is None else change * 100)
            else:
                ws.write_formula(r, 3, f'=IF(OR({b}="",{c}=""),"",{b}-{c})', fm["diff"],
                                 "" if change is None else change)
        else:
            ws.write(r, 3, _no_previous(f["period_kind"]), fm["note"])
        ws.write(r, 4, f"{_label(key)} = {_formula(key)}")
        r += 1
    r += 1
    ws.merge_range(r, 0, r, 4, _change_note(f), fm["note"])
    ws.set_row(r, 30)
    r += 2
    ws.write(r, 0, pgettext("report", "Summary"), fm["title"])
    r += 1
    for heading, paras in sections:
        ws.write(r, 0, heading, fm["section"])
        r += 1
        for p in paras:
            ws.merge_range(r, 0, r, 4, p, fm["text"])
            ws.set_row(r, 15 * max(1, math.ceil(len(p) * (2 if zh else 1) / 190)))
            r += 1
    ws.freeze_panes(head + 1, 1)

    # Categories
    ws = wb.add_worksheet(pgettext("report", "Categories"))
    heads = [pgettext("report", "Rank"), pgettext("report", "Code"), pgettext("report", "Category"),
             pgettext("report", "Goods or service"), this, pgettext("report", "Share of complaints"), before,
             pgettext("report", "Change")]
    complaints_cell = f"'{pgettext('report', 'Headline')}'!{_cell(where['complaint'], 1, True)}"
    _ranked_sheet(ws, fm, heads, f["categories"], has_prev, complaints_cell,
                  lambda row: [_term(row), _group(row["group"])])
    n = len(f["categories"])
    if n:
        chart = wb.add_chart({"type": "bar"})
        name = ws.get_name()
        shown = min(n, TOP_TABLE)
        chart.add_series({"name": this, "categories": [name, 1, 2, shown, 2], "values": [name, 1, 4, shown, 4],
                          "fill": {"color": "#1F497D"}})
        if has_prev:
            chart.add_series({"name": before, "categories": [name, 1, 2, shown, 2], "values": [name, 1, 6, shown, 6],
                              "fill": {"color": "#B2B2B2"}})
        chart.set_title({"name": pgettext("report", "Table 2. Leading goods and service categories in complaints")})
        chart.set_y_axis({"reverse": True})
        chart.set_legend({"position": "bottom"})
        chart.set_size({"width": 620, "height": 420})
        ws.insert_chart("J2", chart)

    # Issues
    ws = wb.add_worksheet(pgettext("report", "Issues"))
    growth_rank = {row["code"]: i + 1 for i, row in enumerate(f["growing_issues"])}
    heads = [pgettext("report", "Rank"), pgettext("report", "Code"), pgettext("report", "Issue"), this,
             pgettext("report", "Share of complaints"), before, pgettext("report", "Change"),
             pgettext("report", "Growth rank")]
    last = _ranked_sheet(ws, fm, heads, f["issues"], has_prev, complaints_cell,
                         lambda row: [_term(row)], extra=lambda row: [growth_rank.get(row["code"], "—")])
    ws.merge_range(last + 2, 0, last + 2, 7, pgettext(
        "report", "Growth = (this period − previous period) ÷ previous period. The growth rank counts only issues "
                  "with at least %(min_base)s complaints in the previous period, so that small counts do not "
                  "dominate.") % {"min_base": f["min_base"]}, fm["note"])
    ws.set_row(last + 2, 32)
    n = len(f["issues"])
    if n:
        chart = wb.add_chart({"type": "bar"})
        name = ws.get_name()
        chart.add_series({"name": this, "categories": [name, 1, 2, n, 2], "values": [name, 1, 3, n, 3],
                          "fill": {"color": "#1F497D"}})
        if has_prev:
            chart.add_series({"name": before, "categories": [name, 1, 2, n, 2], "values": [name, 1, 5, n, 5],
                              "fill": {"color": "#B2B2B2"}})
        chart.set_title({"name": pgettext("report", "Figure 2. Leading issues in complaints")})
        chart.set_y_axis({"reverse": True})
        chart.set_legend({"position": "bottom"})
        chart.set_size({"width": 620, "height": 420})
        ws.insert_chart("J2", chart)

    # Respondents
    ws = wb.add_worksheet(pgettext("report", "Respondents"))
    heads = [pgettext("report", "Rank"), pgettext("report", "Business ID"), pgettext("report", "Business"), this,
             before, pgettext("report", "Change")]
    for c, text in enumerate(heads):
        ws.write(0, c, text, fm["head"])
    ws.set_column(0, 1, 12)
    ws.set_column(2, 2, 44)
    ws.set_column(3, 5, 16)
    for i, row in enumerate(f["respondents"], start=1):
        ws.write_number(i, 0, i)
        ws.write_number(i, 1, row["id"])
        ws.write(i, 2, row["name"])
        ws.write_number(i, 3, row["n"], fm["int"])
        _previous_and_change(ws, fm, i, 4, 3, row, has_prev)
    ws.write(len(f["respondents"]) + 2, 0, pgettext(
        "report", "Counts are complaints and reports naming the business as respondent."), fm["note"])

    # Regions
    ws = wb.add_worksheet(pgettext("report", "Regions"))
    heads = [pgettext("report", "Code"), pgettext("report", "Region"), this, before, pgettext("report", "Change"),
             pgettext("report", "Complaints"), pgettext("report", "Recovered"), _label("accept_decided"),
             _label("accept_on_time"), pgettext("report", "Acceptance on time"), _label("close_decided"),
             _label("close_on_time"), pgettext("report", "Mediation on time"), _label("odr_settled"),
             pgettext("report", "ODR share")]
    for c, text in enumerate(heads):
        ws.write(0, c, text, fm["head"])
    ws.set_row(0, 45)
    ws.set_column(0, 0, 10)
    ws.set_column(1, 1, 22)
    ws.set_column(2, 14, 14)
    for i, row in enumerate(f["regions"], start=1):
        ws.write(i, 0, row["code"])
        ws.write(i, 1, row["name"])
        ws.write_number(i, 2, row["n"], fm["int"])
        _previous_and_change(ws, fm, i, 3, 2, row, has_prev)
        ws.write_number(i, 5, row["complaints"], fm["int"])
        ws.write_number(i, 6, float(row["recovered"]), fm["money"])
        for col, key in ((7, "accept_decided"), (8, "accept_on_time"), (10, "close_decided"), (11, "close_on_time"),
                         (13, "odr_settled")):
            ws.write_number(i, col, row[key], fm["int"])
        for col, num, den, key in ((9, 8, 7, "accept_rate"), (12, 11, 10, "close_rate"), (14, 13, 5, "odr_share")):
            n_, d_ = _cell(i, num), _cell(i, den)
            ws.write_formula(i, col, f'=IF({d_}=0,"",{n_}/{d_})', fm["pct"], "" if row[key] is None else row[key])
    ws.write(len(f["regions"]) + 2, 0, pgettext(
        "report", "Acceptance on time = acceptance decided within 7 working days ÷ acceptance decided; mediation on "
                  "time = mediation ended within its period ÷ mediation ended; ODR share = settled by ODR businesses "
                  "÷ complaints."), fm["note"])
    ws.freeze_panes(1, 2)

    # Series
    ws = wb.add_worksheet(pgettext("report", "Series"))
    heads = [pgettext("report", "Period"), *(_kind_name(k) for k in KINDS), pgettext("report", "All cases"),
             pgettext("report", "All cases, %(period)s") % {"period": before}]
    for c, text in enumerate(heads):
        ws.write(0, c, text, fm["head"])
    ws.set_column(0, 0, 14)
    ws.set_column(1, 5, 16)
    rows = f["series"]["rows"]
    day = f["series"]["interval"] == "day"
    for i, row in enumerate(rows, start=1):
        ws.write(i, 0, row["period"].isoformat() if day else f"{row['period']:%Y-%m}")
        for c, k in enumerate(KINDS, start=1):
            ws.write_number(i, c, row[k], fm["int"])
        ws.write_formula(i, 4, f"=SUM({_cell(i, 1)}:{_cell(i, 3)})", fm["int"], row["total"])
        if row["previous_total"] is not None:
            ws.write_number(i, 5, row["previous_total"], fm["int"])
    if rows:
        name = ws.get_name()
        chart = wb.add_chart({"type": "column", "subtype": "stacked"})
        colors = {"complaint": "#1F497D", "report": "#C0504D", "consultation": "#DEAA3C"}
        for c, k in enumerate(KINDS, start=1):
            chart.add_series({"name": [name, 0, c], "categories": [name, 1, 0, len(rows), 0],
                              "values": [name, 1, c, len(rows), c], "fill": {"color": colors[k]}, "gap": 60})
        if has_prev:
            line = wb.add_chart({"type": "line"})
            line.add_series({"name": [name, 0, 5], "categories": [name, 1, 0, len(rows), 0],
                             "values": [name, 1, 5, len(rows), 5],
                             "line": {"color": "#464646", "dash_type": "dash", "width": 1.5}})
            chart.combine(line)
        chart.set_title({"name": pgettext("report", "Figure 1. Cases received by day, by kind") if day
                         else pgettext("report", "Figure 1. Cases received by month, by kind")})
        chart.set_y_axis({"name": pgettext("report", "cases"), "num_format": "#,##0"})
        chart.set_legend({"position": "bottom"})
        chart.set_size({"width": 720, "height": 400})
        ws.insert_chart("H2", chart)

    # Channels
    ws = wb.add_worksheet(pgettext("report", "Channels"))
    for c, text in enumerate([pgettext("report", "Channel"), pgettext("report", "Cases"),
                              pgettext("report", "Share")]):
        ws.write(0, c, text, fm["head"])
    ws.set_column(0, 0, 26)
    ws.set_column(1, 2, 14)
    total_cell = f"'{pgettext('report', 'Headline')}'!{_cell(where['total'], 1, True)}"
    for i, row in enumerate(f["channels"], start=1):
        ws.write(i, 0, _channel(row["code"]))
        ws.write_number(i, 1, row["n"], fm["int"])
        ws.write_formula(i, 2, f'=IF({total_cell}=0,"",{_cell(i, 1)}/{total_cell})', fm["pct"], row["share"] or 0)
    ws.write(len(f["channels"]) + 2, 0, pgettext("report", "Share = cases received through the channel ÷ all cases."),
             fm["note"])

    # Notes
    ws = wb.add_worksheet(pgettext("report", "Notes"))
    ws.set_column(0, 0, 120)
    for i, text in enumerate(_notes(f, meta)):
        ws.write(i, 0, text, fm["text"])
    wb.close()
    return buf.getvalue()


def _previous_and_change(ws, fm, row, col, value_col, data, has_prev):
    """Previous count at `col`, growth formula at col + 1 (or nothing to compare)."""
    if not has_prev or data.get("previous") is None:
        ws.write(row, col, "—")
        ws.write(row, col + 1, "—")
        return
    ws.write_number(row, col, data["previous"], fm["int"])
    b, c = _cell(row, value_col), _cell(row, col)
    ws.write_formula(row, col + 1, f'=IF({c}=0,"",{b}/{c}-1)', fm["pct"],
                     "" if data.get("growth") is None else data["growth"])


def _ranked_sheet(ws, fm, heads, rows, has_prev, complaints, names, extra=None):
    for c, text in enumerate(heads):
        ws.write(0, c, text, fm["head"])
    ws.set_row(0, 30)
    ws.set_column(0, 0, 7)
    ws.set_column(1, 1, 22)
    ws.set_column(2, 2, 26)
    ws.set_column(3, len(heads), 14)
    for i, row in enumerate(rows, start=1):
        ws.write_number(i, 0, i)
        ws.write(i, 1, row["code"])
        labels = names(row)
        for j, text in enumerate(labels):
            ws.write(i, 2 + j, text)
        at = 2 + len(labels)
        ws.write_number(i, at, row["n"], fm["int"])
        ws.write_formula(i, at + 1, f'=IF({complaints}=0,"",{_cell(i, at)}/{complaints})', fm["pct"],
                         row["share"] or 0)
        _previous_and_change(ws, fm, i, at + 2, at, row, has_prev)
        for j, v in enumerate(extra(row) if extra else []):
            ws.write(i, at + 4 + j, v)
    return len(rows)
