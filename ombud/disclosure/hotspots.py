"""The public hotspots page (消费热点): hot goods, hot services and hot issues of a region over whole months,
beside the months just before, and the region's local feed. No sign-in; everything it shows is chosen by the
query string, so the page can be cached."""
import datetime as dt
import re

from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from . import hotspot_selectors as hs
from .selectors import OUTCOMES

DEFAULT_MONTHS = 3
MAX_MONTHS = 36
MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def _english():
    return (get_language() or "").startswith("en")


# ---- what was asked for ----------------------------------------------------------------------------

def _month(raw):
    m = MONTH.match(raw)
    if not m or not 1 <= int(m.group(2)) <= 12 or int(m.group(1)) < 1900:
        return None
    return dt.date(int(m.group(1)), int(m.group(2)), 1)


def parse_period(params):
    """The visitor's months (`from`, `to` as YYYY-MM, both included): by default the last DEFAULT_MONTHS whole
    months. Returns (Period, {field: error}); with errors, the default period."""
    this_month = hs.month_start(timezone.localdate())
    default = hs.Period(hs.add_months(this_month, -DEFAULT_MONTHS), hs.add_months(this_month, -1))
    errors, values = {}, {}
    for name, fallback in (("from", default.first), ("to", default.last)):
        raw = (params.get(name) or "").strip()
        values[name] = _month(raw) if raw else fallback
        if values[name] is None:
            errors[name] = _("Enter a month as year and month, such as %(example)s.") % {
                "example": f"{default.last:%Y-%m}"}
    if not errors:
        if values["from"] > values["to"]:
            errors["to"] = _("The last month comes before the first.")
        elif values["to"] > this_month:
            errors["to"] = _("The period cannot end after this month.")
        elif hs.Period(values["from"], values["to"]).months > MAX_MONTHS:
            errors["from"] = _("Choose a period of at most %(n)s months.") % {"n": MAX_MONTHS}
    if errors:
        return default, errors
    return hs.Period(values["from"], values["to"]), {}


def _code(params, name):
    return (params.get(name) or "").strip()[:12]


def parse_region(params):
    """The region: `region` (a code, from the page's links) or the picker's `province`, `prefecture` and
    `county`, each counting only if it lies just below the one before (a level changed without JavaScript
    leaves a stale one below it). Returns (region or None for the nation, error)."""
    code = _code(params, "region")
    if not code:
        for name in ("province", "prefecture", "county"):
            picked = _code(params, name)
            r = hs.region(picked) if picked.isdigit() and len(picked) == 6 else None
            if r is None or (name == "province") != (r.level == 1) or (code and r.parent_id != code):
                break
            code = r.code
    if not code or code == hs.NATION:
        return None, ""
    place = hs.region(code) if code.isdigit() and len(code) == 6 else None
    if place is None:
        return None, _("There is no region with the code %(code)s.") % {"code": code}
    if place.level == 2 and len(hs.children(place.parent_id)) == 1:
        place = hs.region(place.parent_id)  # a municipality's only prefecture (市辖区) is the municipality
    return place, ""


# ---- the region picker --------------------------------------------------------------------------

FILLERS = ("市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划")  # prefecture-level names that only group


def _name(r):
    return r.full_name if r.level >= 2 and r.name in FILLERS and r.full_name else r.name


def chain(place):
    """The regions from the province down to `place` ([] for the nation). Some counties sit right under their
    province (济源市, 仙桃市…): their chain has two links."""
    out = []
    while place is not None and place.level >= 1:
        out.insert(0, place)
        place = hs.region(place.parent_id) if place.level > 1 else None
    return out


def lower_regions(place):
    """The regions one level down, past a municipality's only prefecture; none below a county."""
    below = hs.children(place.code if place else hs.NATION)
    if place is not None and place.level == 1 and len(below) == 1:
        below = hs.children(below[0].code)
    return below


def picker(place):
    """The selects (province → city → county) for a region: the choices of each level the visitor can pick now.
    A province with a single prefecture (a municipality's 市辖区) goes straight to its counties."""
    links = chain(place)
    values = [r.code for r in links] + ["", "", ""]
    levels = [{"name": "province", "label": _("Province"), "all": _("the whole country"),
               "value": values[0], "options": [(r.code, r.name) for r in hs.children(hs.NATION)]}]
    if not values[0]:
        return levels
    prefectures = hs.children(values[0])
    if len(prefectures) == 1:
        values[1] = prefectures[0].code
        levels.append({"name": "prefecture", "hidden": True, "value": values[1]})
    elif prefectures:
        levels.append({"name": "prefecture", "label": _("City"), "all": _("the whole province"),
                       "value": values[1], "options": [(r.code, _name(r)) for r in prefectures]})
    counties = hs.children(values[1]) if values[1] else []
    if counties:
        levels.append({"name": "county", "label": _("County or district"), "all": _("the whole city"),
                       "value": values[2], "options": [(r.code, r.name) for r in counties]})
    return levels


def trail(place):
    """Nation → province → prefecture → county, as (code, name), without a municipality's only prefecture."""
    out = [(hs.NATION, _("the whole country"))]
    for r in chain(place):
        if r.level == 2 and r.code != place.code and len(hs.children(r.parent_id)) == 1:
            continue
        out.append((r.code, _name(r)))
    return out


# ---- what is shown -------------------------------------------------------------------------------

def _panel(key, title, column, group, names, scheme, note):
    rows = [dict(r, name=names.get((scheme, r["code"]), r["code"])) for r in group["rows"]]
    # No title in the chart: the panel's heading names it (charts.js would draw it again on the canvas).
    chart = {"empty": _("No complaints in this period."),
             "labels": {"save_image": _("Save as image")},
             "items": [{"name": r["name"], "value": r["n"]} for r in rows], "horizontal": True}
    return {"key": key, "title": title, "column": column, "rows": rows, "total": group["total"], "total_before": group["total_before"],
            "note": note, "chart": chart, "id": f"hot-{key}", "height": max(160, 60 + 30 * len(rows))}


def _feed(path, english):
    from ombud.alerts.selectors import region_names

    warnings = hs.region_warnings(region_path=path)
    places = region_names({w.scope for w in warnings})
    names = hs.term_names(english)
    complaints = []
    for item in hs.recent_published(region_path=path):
        item = dict(item)
        if "category" in item:
            item["category_label"] = names.get(("category", item["category"]), item["category"])
        if "issue" in item:
            item["issue_label"] = names.get(("issue", item["issue"]), item["issue"])
        if "outcome" in item:
            item["outcome_label"] = OUTCOMES.get(item["outcome"], item["outcome"])
        complaints.append(item)
    return {
        "warnings": [{"warning": w, "title": w.title(english) or w.title(not english), "where": places.get(w.scope, w.scope),
                      "url": reverse("alerts:public-warning", args=[w.pk])} for w in warnings],
        "complaints": complaints,
    }


def page(request):
    period, errors = parse_period(request.GET)
    place, region_error = parse_region(request.GET)
    if region_error:
        errors["region"] = region_error
    code, path = (place.code, place.path) if place else (hs.NATION, "")
    english = _english()
    figures = hs.hotspots(region_code=code, period=period)
    names = hs.term_names(english)
    previous = period.previous()
    panels = [
        _panel("goods", _("Hot goods"), _("Goods"), figures["goods"], names, "category",
               _("Share = complaints about this kind of goods ÷ all complaints about goods (%(n)s).")
               % {"n": figures["goods"]["total"]}),
        _panel("services", _("Hot services"), _("Services"), figures["services"], names, "category",
               _("Share = complaints about this kind of service ÷ all complaints about services (%(n)s).")
               % {"n": figures["services"]["total"]}),
        _panel("issues", _("Hot issues"), _("Issue type"), figures["issues"], names, "issue",
               _("Share = complaints about this issue ÷ all complaints with an issue type (%(n)s).")
               % {"n": figures["issues"]["total"]}),
    ]
    lower = lower_regions(place)
    crumbs = trail(place)
    query = {"from": f"{period.first:%Y-%m}", "to": f"{period.last:%Y-%m}"}
    response = render(request, "disclosure/hotspots.html", {
        "period": period, "previous": previous, "errors": errors, "place": place, "code": code,
        "place_name": crumbs[-1][1], "trail": [(c, n, "?" + urlencode({**query, "region": c})) for c, n in crumbs],
        "lower": [(_name(r), "?" + urlencode({**query, "region": r.code})) for r in lower],
        "levels": picker(place), "panels": panels, "figures": figures,
        "as_of": _as_of(figures["as_of"]), "change": hs.change(figures["total"], figures["total_before"]),
        "partial": period.last == hs.month_start(timezone.localdate()),
        "this_month": f"{hs.month_start(timezone.localdate()):%Y-%m}",
        "feed": _feed(path, english),
    }, status=422 if errors else 200)
    if not errors:
        patch_cache_control(response, max_age=hs.CACHE_SECONDS)
    patch_vary_headers(response, ["Accept-Language"])
    return response


def region_picker(request):
    """The picker alone, for htmx to redraw it when a level changes (without JavaScript, "Show" does it)."""
    place, _error = parse_region(request.GET)
    return render(request, "disclosure/_hotspot_picker.html", {"levels": picker(place)})


def _as_of(raw):
    return dt.datetime.fromisoformat(raw) if raw else None
