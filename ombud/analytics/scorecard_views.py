"""The consumer-environment scorecard page and its CSV: /desk/analytics/scorecard/?region=…&start=…&end=…"""
import csv
import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from . import dashboard, scorecard, store
from .views import _supervisor

TEMPLATE = "analytics/scorecard.html"


class _Refused(Exception):
    pass


def _formula(params):
    version = (params.get("version") or "").strip()
    if version and not (version.isascii() and version.isdigit()):
        raise _Refused(_("A formula version is a whole number, e.g. 1."))
    formula = scorecard.current_formula(int(version) if version else None)
    if formula is None:
        raise _Refused(_("There is no formula version %(version)s.") % {"version": version} if version
                       else _("No scorecard formula is active: an administrator activates one in the admin."))
    return formula


def _scope(request):
    _actor, allowed = _supervisor(request)
    try:
        return dashboard.parse_scope(request.GET, allowed_path=allowed), _formula(request.GET)
    except (dashboard.ScopeError, _Refused) as exc:
        raise _Refused(str(exc)) from None


def _base_query(scope, formula, params):
    q = f"region={scope.region}&start={scope.start.isoformat()}&end={scope.end.isoformat()}"
    return q + (f"&version={formula.version}" if params.get("version") else "")


def _headers(card, sort, base):
    """The sortable column headings: the first click sorts best first, a second click reverses."""
    current = sort or "rank"
    columns = [("code", _("division code"), "code"), ("name", _("region"), "name"),
               ("n", _("complaints"), "-n")]
    columns += [(u["key"], u["indicator"].heading, u["key"] if u["indicator"].better == scorecard.LOWER
                 else f"-{u['key']}") for u in card["indicators"]]
    columns += [("composite", _("composite score (0–100)"), "-composite"), ("rank", _("rank"), "rank")]
    out = []
    for key, label, first in columns:
        if first is None:
            out.append({"label": label, "href": "", "sorted": ""})
            continue
        active = current.lstrip("-") == key
        order = first
        if active:
            order = key if current.startswith("-") else f"-{key}"
        state = ("descending" if current.startswith("-") else "ascending") if active else ""
        out.append({"label": label, "href": f"?{base}&sort={order}", "sorted": state})
    return out


def _chart(card, trend):
    series = [{"name": str(u["indicator"].heading),
               "data": [None if q["values"].get(u["key"]) is None else round(q["values"][u["key"]], 1)
                        for q in trend["quarters"]]}
              for u in card["indicators"] if u["indicator"].unit == "%"]
    if any(q["composite"] is not None for q in trend["quarters"]):
        series.append({"name": _("composite score (0–100)"), "dashed": True,
                       "data": [None if q["composite"] is None else round(q["composite"], 1)
                                for q in trend["quarters"]]})
    return {"title": _("%(region)s by quarter: rates (%%) and composite score") % {"region": card["name"]},
            "x": [q["label"] for q in trend["quarters"]], "series": series,
            "empty": _("No complaints in this period."), "labels": {"save_image": _("Save as image")}}


def _trend_rows(card, trend):
    rows = []
    for period in trend["years"] + trend["quarters"]:
        rows.append({"label": period["label"], "start": period["start"], "end": period["end"], "n": period["n"],
                     "cells": scorecard.shown(period, card["indicators"]),
                     "composite": scorecard.format_composite(period["composite"]), "rank": period["rank"],
                     "peers": period["peers"], "year": period in trend["years"]})
    return rows


@login_required
def scorecard_page(request):
    try:
        scope, formula = _scope(request)
    except _Refused as exc:
        return render(request, TEMPLATE, {"error": str(exc)}, status=400)
    sort = request.GET.get("sort") or "rank"
    card = scorecard.build(scope.region, scope.start, scope.end, formula, sort=sort)
    trend = scorecard.trend(scope.region, scope.start, scope.end, formula)
    base = _base_query(scope, formula, request.GET)
    as_of = (store.manifest() or {}).get("as_of")
    return render(request, TEMPLATE, {
        "scope": scope, "card": card, "formula": formula, "headers": _headers(card, sort, base),
        "trail": dashboard.breadcrumbs(scope.region), "base": base, "sort": sort,
        "as_of": dt.datetime.fromisoformat(as_of) if as_of else None,
        "chart": _chart(card, trend), "trend": _trend_rows(card, trend),
        "own": trend["years"][-1], "county": not card["rows"] and len(scope.region) == 6
        and not scope.region.endswith("00"),
    })


@login_required
def scorecard_csv(request):
    try:
        scope, formula = _scope(request)
    except _Refused as exc:
        return HttpResponse(str(exc), status=400, content_type="text/plain; charset=utf-8")
    card = scorecard.build(scope.region, scope.start, scope.end, formula, sort=request.GET.get("sort") or "rank")
    header, rows = scorecard.csv_table(card)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (f'attachment; filename="scorecard-v{formula.version}-{scope.region}-'
                                       f'{scope.start}-{scope.end}.csv"')
    response.write("\ufeff")  # so that spreadsheet programs read the Chinese as UTF-8
    writer = csv.writer(response)
    writer.writerow([str(h) for h in header])
    writer.writerows(rows)
    return response
