"""/api/v1/stats/…: the dashboard's figures as JSON, each with the `as_of` of its data."""
from django.utils import translation
from ninja import Router
from ninja.errors import HttpError

from ombud.core.auth import actor_for
from ombud.core.errors import Forbidden

from . import dashboard, selectors

router = Router(tags=["statistics"])
FIGURES = ("totals", "series", "regions", "categories", "issues", "respondents", "outcomes", "satisfaction",
           "channels")


def _scope(request):
    actor = actor_for(request)
    if actor.role not in ("supervisor", "admin"):
        raise Forbidden("statistics are for supervisors and administrators")
    allowed = actor.authority.path if actor.authority else ""
    with translation.override("en"):  # the API speaks English, whatever the browser's language
        try:
            return dashboard.parse_scope(request.GET, allowed_path=allowed)
        except dashboard.ScopeError as exc:
            raise HttpError(400, str(exc)) from None


def _rows(scope, figure):
    where = {"region": scope.region, "start": scope.start, "end": scope.end}
    if figure == "totals":
        a = selectors.totals_by_kind(**where)
        return a.as_of, a.rows
    if figure == "series":
        a = selectors.series(**where, interval=scope.interval)
        return a.as_of, [{"period": p.isoformat(), "kind": k, "n": n} for p, k, n in a.rows]
    if figure == "regions":
        a = selectors.by_child_region(**where)
        return a.as_of, [{"region": c, "n": n} for c, n in a.rows]
    if figure in ("categories", "issues"):
        a = selectors.mix(**where, by="category" if figure == "categories" else "issue",
                          category=scope.category or None)
        return a.as_of, [{"code": c, "n": n} for c, n in a.rows]
    if figure == "respondents":
        a = selectors.top_respondents(**where, limit=50)
        names = dashboard.business_names(r for r, _n in a.rows)
        return a.as_of, [{"business_id": r, "name": names.get(r), "n": n} for r, n in a.rows]
    if figure == "outcomes":
        a = selectors.outcomes(**where)
        return a.as_of, {k: (float(v) if v is not None and k in ("recovered", "odr_days") else v)
                         for k, v in a.rows.items()}
    if figure == "satisfaction":
        a = selectors.satisfaction(**where)
        return a.as_of, {"ratings": {str(k) if k else "unrated": v for k, v in a.rows["ratings"].items()},
                         "resolved": {("unrated" if k is None else str(k).lower()): v
                                      for k, v in a.rows["resolved"].items()}}
    a = selectors.channels(**where)
    return a.as_of, [{"channel": c, "n": n} for c, n in a.rows]


@router.get("/stats/{figure}", summary="One dashboard figure for a region and period, with its as_of",
            description="figure: " + ", ".join(FIGURES) + ". Query: region (six-digit division code, default "
            "your area), start and end (YYYY-MM-DD, inclusive), interval (day, week, month, quarter, year; "
            "series only), category (issues only). Supervisors see their own area's subtree.")
def stats(request, figure: str):
    if figure not in FIGURES:
        raise HttpError(404, f"unknown figure {figure!r}; one of: {', '.join(FIGURES)}")
    scope = _scope(request)
    as_of, rows = _rows(scope, figure)
    return {"figure": figure, "region": scope.region, "start": scope.start.isoformat(), "end": scope.end.isoformat(),
            "interval": scope.interval, "as_of": as_of, "rows": rows}
