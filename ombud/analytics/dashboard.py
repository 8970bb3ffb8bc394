"""The supervisor's dashboard: the figures of one region and period, laid out as charts and tables.

`Scope` is what the page was asked for (validated); `build(scope)` asks analytics.selectors and returns
panels, each with its chart data (the charts.js contract) and the rows its CSV export writes.
"""
import datetime as dt
from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from ombud.cases.models import Channel, Kind, Status

from . import selectors, store

INTERVALS = {"day": gettext_lazy("day"), "week": gettext_lazy("week"), "month": gettext_lazy("month"),
             "quarter": gettext_lazy("quarter"), "year": gettext_lazy("year")}
NATION = "100000"


class ScopeError(ValueError):
    pass


@dataclass(frozen=True)
class Scope:
    region: str
    start: dt.date
    end: dt.date
    interval: str = "month"
    category: str = ""

    @property
    def previous(self):
        """The same period a year earlier."""
        return _year_back(self.start), _year_back(self.end)

    def query(self, **changes):
        params = {"region": self.region, "start": self.start.isoformat(), "end": self.end.isoformat(),
                  "interval": self.interval, "category": self.category, **changes}
        return "&".join(f"{k}={v}" for k, v in params.items() if v)


def _year_back(day):
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def default_period():
    """The last year the store has data for: its first to its last month."""
    months = (store.manifest() or {}).get("months") or []
    if not months:
        today = dt.date.today()
        return dt.date(today.year, 1, 1), today
    year = int(months[-1][:4])
    last = [m for m in months if m.startswith(str(year))][-1]
    y, m = map(int, last.split("-"))
    end = dt.date(y + (m == 12), m % 12 + 1, 1) - dt.timedelta(days=1)
    return dt.date(year, 1, 1), end


def parse_scope(params, *, allowed_path):
    """A Scope from query parameters, or ScopeError with what is wrong. `allowed_path`: the actor's subtree."""
    from ombud.regions.models import Region

    region = (params.get("region") or "").strip() or None
    if region is None:
        region = _code_of_path(allowed_path)
    if not (region.isascii() and region.isdigit() and len(region) == 6):
        raise ScopeError(_("A region is a six-digit division code, e.g. 330000."))
    if region != NATION and not Region.objects.filter(code=region).exists():
        raise ScopeError(_("There is no region with the code %(code)s.") % {"code": region})
    path = "" if region == NATION else _path(region)
    if not path.startswith(allowed_path):
        raise ScopeError(_("Region %(code)s is outside your area.") % {"code": region})
    start, end = default_period()
    try:
        if params.get("start"):
            start = dt.date.fromisoformat(params["start"])
        if params.get("end"):
            end = dt.date.fromisoformat(params["end"])
    except ValueError:
        raise ScopeError(_("Dates are written as YYYY-MM-DD, e.g. 2023-03-15.")) from None
    if end < start:
        raise ScopeError(_("The period ends before it starts."))
    if (end - start).days > 3 * 366:
        raise ScopeError(_("A period can be at most three years long."))
    interval = params.get("interval") or ("day" if (end - start).days <= 62 else "month")
    if interval not in INTERVALS:
        raise ScopeError(_("The interval is one of: day, week, month, quarter, year."))
    return Scope(region, start, end, interval, (params.get("category") or "").strip())


def _path(code):
    if code.endswith("0000"):
        return code[:2]
    if code.endswith("00"):
        return code[:4]
    return code


def _code_of_path(path):
    return NATION if not path else path.ljust(6, "0")


# ---- names -------------------------------------------------------------------------------------

def region_names(codes):
    from ombud.regions.models import Region

    names = dict(Region.objects.filter(code__in=[c for c in codes if c]).values_list("code", "name"))
    names[NATION] = _("nation")
    return names


def term_names(scheme):
    from ombud.taxonomy.selectors import choices

    return {code: label for code, label, _group in choices(scheme)}


def business_names(ids):
    from ombud.businesses.models import Business

    return dict(Business.objects.filter(pk__in=list(ids)).values_list("id", "name"))


def breadcrumbs(region):
    """Nation → province → prefecture → county, skipping a level that only repeats its parent (市辖区)."""
    from ombud.regions.models import Region

    trail = [(NATION, _("nation"))]
    if region == NATION:
        return trail
    codes = [region[:2] + "0000", region[:4] + "00", region]
    seen = []
    for code in codes:
        if code not in seen and code != NATION:
            seen.append(code)
    names = dict(Region.objects.filter(code__in=seen).values_list("code", "name"))
    for code in seen:
        if code in names:
            trail.append((code, names[code]))
    return trail


# ---- panels ------------------------------------------------------------------------------------

KIND_LABELS = dict(Kind.choices)
CHANNEL_LABELS = dict(Channel.choices)
STATUS_LABELS = dict(Status.choices)


def _pct(part, whole):
    return None if not whole else round(100.0 * float(part or 0) / float(whole), 1)


def _change(now, before):
    return None if not before else round(100.0 * (now - before) / before, 1)


def build(scope):
    """Every panel of the dashboard for `scope`, with the data's `as_of`."""
    p_start, p_end = scope.previous
    where = {"region": scope.region, "start": scope.start, "end": scope.end}
    before = {"region": scope.region, "start": p_start, "end": p_end}
    totals = selectors.totals_by_kind(**where)
    totals_before = selectors.totals_by_kind(**before).rows
    total, total_before = sum(totals.rows.values()), sum(totals_before.values())
    outcome = selectors.outcomes(**where).rows
    satisfaction = selectors.satisfaction(**where).rows
    kpis = [
        {"label": _("cases"), "value": total, "change": _change(total, total_before), "key": "total"},
        *[{"label": str(KIND_LABELS[k]), "value": totals.rows.get(k, 0),
           "change": _change(totals.rows.get(k, 0), totals_before.get(k, 0)), "key": k} for k in KIND_LABELS],
        {"label": _("recovered for consumers (¥)"), "value": outcome.get("recovered") or 0, "money": True,
         "key": "recovered"},
        {"label": _("accepted within the statutory period"),
         "value": _pct(outcome.get("accept_on_time"), outcome.get("accept_decided")), "percent": True,
         "key": "accept_on_time", "formula": _("decided within 7 working days ÷ complaints decided")},
        {"label": _("settled by the business before mediation (ODR)"),
         "value": _pct(outcome.get("odr_settled"), outcome.get("n")), "percent": True, "key": "odr_share",
         "formula": _("ODR pre-settlements ÷ complaints")},
        {"label": _("rated satisfied (4 or 5)"),
         "value": _pct(sum(n for r, n in satisfaction["ratings"].items() if r and r >= 4),
                       sum(satisfaction["ratings"].values())), "percent": True, "key": "satisfied",
         "formula": _("ratings of 4 or 5 ÷ finished complaints; an unrated complaint counts as not satisfied")},
    ]
    return {
        "as_of": dt.datetime.fromisoformat(totals.as_of) if totals.as_of else None,
        "kpis": kpis,
        "panels": [
            _volume(scope),
            _regions(scope),
            _categories(scope),
            _issues(scope),
            _timeliness(scope, outcome),
            _satisfaction(satisfaction),
            _channels(scope),
        ],
        "respondents": _respondents(scope),
        "odr": {"settled": outcome.get("odr_settled") or 0,
                "days": (round(outcome["odr_days"] / outcome["odr_settled"], 1)
                         if outcome.get("odr_settled") and outcome.get("odr_days") is not None else None)},
        "open_clocks": outcome.get("open_clocks") or 0,
    }


def _panel(key, title, chart, data, header, rows, *, height=320, note=""):
    data = {"title": str(title), "empty": _("No cases in this period."), "labels": {"save_image": _("Save as image")},
            **data}
    return {"key": key, "title": title, "chart": chart, "data": data, "id": f"chart-{key}", "height": height,
            "csv": {"header": header, "rows": rows}, "note": note}


def _volume(scope):
    now = selectors.series(region=scope.region, start=scope.start, end=scope.end, interval=scope.interval).rows
    p_start, p_end = scope.previous
    then = selectors.series(region=scope.region, start=p_start, end=p_end, interval=scope.interval).rows
    periods = sorted({p for p, _k, _n in now})
    index = {p: i for i, p in enumerate(periods)}
    series, rows = [], []
    for kind, label in KIND_LABELS.items():
        values = [0] * len(periods)
        for p, k, n in now:
            if k == kind:
                values[index[p]] = n
        series.append({"name": str(label), "data": values})
    total_now = [sum(s["data"][i] for s in series) for i in range(len(periods))]
    shifted = {}
    for p, _k, n in then:
        key = _year_forward(p)
        shifted[key] = shifted.get(key, 0) + n
    previous = [shifted.get(p) for p in periods]
    series.append({"name": _("all kinds, a year earlier"), "data": previous, "dashed": True})
    for i, p in enumerate(periods):
        rows.append([p.isoformat(), *[s["data"][i] for s in series[:3]], total_now[i], previous[i] or 0])
    header = [_("period"), *[str(label) for label in KIND_LABELS.values()], _("total"), _("total a year earlier")]
    title = _("Cases received by %(interval)s") % {"interval": INTERVALS[scope.interval]}
    return _panel("volume", title, "line", {"x": [p.isoformat() for p in periods], "series": series},
                  header, rows, height=340)


def _year_forward(day):
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


def _regions(scope):
    rows = selectors.by_child_region(region=scope.region, start=scope.start, end=scope.end).rows
    names = region_names([c for c, _n in rows])
    base = reverse("analytics:dashboard")
    items = [{"code": c, "name": names.get(c, c), "value": n,
              "href": f"{base}?{scope.query(region=c)}" if c and c != scope.region else ""} for c, n in rows if c]
    header, table = [_("division code"), _("region"), _("cases")], [[i["code"], i["name"], i["value"]] for i in items]
    if scope.region == NATION:  # the tiles carry short names of their own (charts.js)
        tiles = [{k: v for k, v in i.items() if k != "name"} for i in items]
        panel = _panel("regions", _("Cases by province (click a tile to drill down)"), "tilemap",
                       {"items": tiles, "max": max([i["value"] for i in items] or [0])}, header, table, height=420)
    else:
        panel = _panel("regions", _("Cases by lower region (click a bar to drill down)"), "bar",
                       {"items": items[:30], "horizontal": True}, header, table,
                       height=max(240, 22 * min(30, len(items))))
    panel["links"] = [i for i in items if i["href"]]  # the same drill-down as links, for keyboards and readers
    return panel


def _categories(scope):
    rows = selectors.mix(region=scope.region, start=scope.start, end=scope.end, by="category").rows
    names = term_names("category")
    base = reverse("analytics:dashboard")
    items = [{"name": names.get(c, c), "value": n, "href": f"{base}?{scope.query(category=c)}"} for c, n in rows]
    return _panel("categories", _("By goods or service category (click to see its issues)"), "bar",
                  {"items": items[:15], "horizontal": True}, [_("category"), _("cases")],
                  [[i["name"], i["value"]] for i in items], height=380)


def _issues(scope):
    rows = selectors.mix(region=scope.region, start=scope.start, end=scope.end, by="issue",
                         category=scope.category or None).rows
    names = term_names("issue")
    title = _("By issue type")
    if scope.category:
        title = _("Issue types within %(category)s") % {"category": term_names("category").get(scope.category,
                                                                                               scope.category)}
    items = [{"name": names.get(c, c), "value": n} for c, n in rows]
    return _panel("issues", title, "bar", {"items": items, "horizontal": True}, [_("issue type"), _("cases")],
                  [[i["name"], i["value"]] for i in items], height=380)


def _timeliness(scope, outcome):
    accept = [outcome.get("accept_on_time") or 0, (outcome.get("accept_decided") or 0) - (outcome.get("accept_on_time") or 0)]
    close = [outcome.get("close_on_time") or 0, (outcome.get("close_decided") or 0) - (outcome.get("close_on_time") or 0)]
    series = [{"name": _("within the period"), "data": [accept[0], close[0]]},
              {"name": _("late"), "data": [accept[1], close[1]]}]
    x = [_("acceptance (7 working days)"), _("mediation (its period)")]
    rows = [[x[0], accept[0], accept[1]], [x[1], close[0], close[1]]]
    return _panel("timeliness", _("Complaints decided within their statutory periods"), "stacked",
                  {"x": [str(v) for v in x], "series": series}, [_("step"), _("within the period"), _("late")], rows,
                  note=_("Open clocks right now: %(n)s") % {"n": outcome.get("open_clocks") or 0})


def _satisfaction(satisfaction):
    ratings = satisfaction["ratings"]
    items = [{"name": pgettext("rating", "%(n)s stars") % {"n": r}, "value": ratings.get(r, 0)} for r in range(5, 0, -1)]
    items.append({"name": _("not rated"), "value": ratings.get(None, 0)})
    return _panel("satisfaction", _("Consumers' rating of the handling (finished complaints)"), "donut",
                  {"items": items}, [_("rating"), _("complaints")], [[i["name"], i["value"]] for i in items])


def _channels(scope):
    rows = selectors.channels(region=scope.region, start=scope.start, end=scope.end).rows
    items = [{"name": str(CHANNEL_LABELS.get(c, c)), "value": n} for c, n in rows]
    return _panel("channels", _("How cases came in"), "donut", {"items": items}, [_("channel"), _("cases")],
                  [[i["name"], i["value"]] for i in items])


def _respondents(scope):
    rows = selectors.top_respondents(region=scope.region, start=scope.start, end=scope.end, limit=15).rows
    names = business_names(r for r, _n in rows)
    return [{"id": r, "name": names.get(r, str(r)), "n": n} for r, n in rows]


def csv_rows(scope, key):
    """(header, rows) of one panel, for its CSV export; KeyError for an unknown panel."""
    if key == "respondents":
        return [_("business"), _("cases")], [[r["name"], r["n"]] for r in _respondents(scope)]
    makers = {"volume": _volume, "regions": _regions, "categories": _categories, "issues": _issues,
              "channels": _channels}
    if key in makers:
        panel = makers[key](scope)
    elif key in ("timeliness", "satisfaction"):
        where = {"region": scope.region, "start": scope.start, "end": scope.end}
        panel = (_timeliness(scope, selectors.outcomes(**where).rows) if key == "timeliness"
                 else _satisfaction(selectors.satisfaction(**where).rows))
    else:
        raise KeyError(key)
    return panel["csv"]["header"], panel["csv"]["rows"]
