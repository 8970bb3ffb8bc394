import csv

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render

from ombud.core.auth import actor_of_user

from . import dashboard

ROLES = {"supervisor", "admin"}


def _supervisor(request):
    actor = actor_of_user(request.user)
    if actor.role not in ROLES:
        raise Http404
    return actor, (actor.authority.path if actor.authority else "")


@login_required
def dashboard_page(request):
    _actor, allowed = _supervisor(request)
    try:
        scope = dashboard.parse_scope(request.GET, allowed_path=allowed)
    except dashboard.ScopeError as exc:
        return render(request, "analytics/dashboard.html", {"error": str(exc)}, status=400)
    figures = dashboard.build(scope)
    return render(request, "analytics/dashboard.html", {
        "scope": scope, "figures": figures, "trail": dashboard.breadcrumbs(scope.region),
        "intervals": dashboard.INTERVALS, "query": scope.query(),
    })


@login_required
def export_csv(request, key):
    _actor, allowed = _supervisor(request)
    try:
        scope = dashboard.parse_scope(request.GET, allowed_path=allowed)
        header, rows = dashboard.csv_rows(scope, key)
    except dashboard.ScopeError as exc:
        return HttpResponse(str(exc), status=400, content_type="text/plain; charset=utf-8")
    except KeyError:
        raise Http404 from None
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{key}-{scope.region}-{scope.start}-{scope.end}.csv"'
    response.write("\ufeff")  # so that spreadsheet programs read the Chinese as UTF-8
    writer = csv.writer(response)
    writer.writerow([str(h) for h in header])
    writer.writerows(rows)
    return response
