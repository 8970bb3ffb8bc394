"""Pages: the supervisors' alert queue and warning desk, and the public list of published consumer warnings."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from ombud.core.auth import actor_of_user
from ombud.core.errors import (
    DomainError,
    Forbidden,
    InvalidInput,
    NotFound,
    errors_by_field,
)

from . import selectors, services
from .models import METHOD_LABELS, AlertStatus, Level, WarningKind, WarningStatus


def _decider(request):
    """The signed-in supervisor or administrator; anyone else finds no such page."""
    actor = actor_of_user(request.user)
    if selectors.scope_path_of(actor) is None:
        raise Http404
    return actor


def _or_404(fetch, **kwargs):
    try:
        return fetch(**kwargs)
    except NotFound:
        raise Http404 from None


# ---- alerts -----------------------------------------------------------------------------------

def _rows(alerts):
    names = selectors.describe(alerts)
    regions = selectors.region_names({a.scope for a in alerts})
    return [{"alert": a, "what": names[a.pk], "where": regions.get(a.scope, a.scope), "ratio": a.ratio}
            for a in alerts]


@login_required
def alert_queue(request):
    actor = _decider(request)
    status = request.GET.get("status", AlertStatus.OPEN)
    status = status if status in AlertStatus.values else ("" if status == "all" else AlertStatus.OPEN)
    level = request.GET.get("level", "")
    level = level if level in Level.values else ""
    alerts = list(selectors.alert_queue(actor=actor, status=status, level=level).select_related("decided_by")[:200])
    return render(request, "alerts/queue.html", {
        "rows": _rows(alerts), "status": status or "all", "level": level, "statuses": AlertStatus.choices,
        "levels": Level.choices, "more": len(alerts) == 200})


def chart(alert, what):
    """The alert's series in the chart renderer's contract (ombud/core/static/ombud/charts.js)."""
    rows = alert.series or []
    return {
        "title": _("Complaints per day: %(what)s") % {"what": what},
        "x": [r["day"] for r in rows],
        "series": [
            {"name": _("complaints received"), "data": [r["n"] for r in rows]},
            {"name": _("expected"), "data": [r["expected"] for r in rows], "dashed": True},
            {"name": _("alarm threshold"), "data": [r["threshold"] for r in rows], "dashed": True},
        ],
        "empty": _("No daily counts were kept for this alert."),
        "labels": {"save_image": _("Save as image")},
    }


def _alert_page(request, actor, alert, errors=None, status=200):
    row = _rows([alert])[0]
    english = selectors.english()
    return render(request, "alerts/alert.html", {
        **row, "chart": chart(alert, row["what"]), "method": METHOD_LABELS.get(alert.method, alert.method),
        "warnings": [(w, w.title(english) or w.title(not english)) for w in alert.warnings.order_by("-drafted_at")],
        "errors": errors or {},
        "reason": request.POST.get("reason", "") if errors else ""}, status=status)


@login_required
def alert_detail(request, pk):
    actor = _decider(request)
    alert = _or_404(selectors.get_alert, actor=actor, pk=pk)
    return _alert_page(request, actor, alert)


@login_required
@require_POST
def alert_dismiss(request, pk):
    actor = _decider(request)
    alert = _or_404(selectors.get_alert, actor=actor, pk=pk)
    try:
        services.dismiss_alert(alert=alert, actor=actor, reason=request.POST.get("reason", ""))
    except Forbidden:
        raise Http404 from None
    except (DomainError, InvalidInput) as exc:
        return _alert_page(request, actor, alert, errors=errors_by_field(exc), status=422)
    messages.success(request, _("The alert was dismissed."))
    return redirect("alerts:queue")


@login_required
@require_POST
def alert_draft(request, pk):
    actor = _decider(request)
    alert = _or_404(selectors.get_alert, actor=actor, pk=pk)
    try:
        warning = services.draft_from_alert(alert=alert, actor=actor)
    except Forbidden:
        raise Http404 from None
    except (DomainError, InvalidInput) as exc:
        return _alert_page(request, actor, alert, errors=errors_by_field(exc), status=422)
    messages.success(request, _("A draft warning was written from the alert. Check both languages, then ask "
                                "another supervisor to approve it."))
    return redirect("alerts:warning", pk=warning.pk)


# ---- warnings on the desk ---------------------------------------------------------------------

def _fields(post=None, warning=None):
    """The form's values: as posted, else the warning's."""
    names = ("kind", *services.TEXTS)
    if post is not None:
        return {n: post.get(n, "") for n in names}
    if warning is not None:
        return {n: getattr(warning, n) for n in names}
    return {"kind": WarningKind.TIP}


@login_required
def warning_desk(request):
    actor = _decider(request)
    rows = list(selectors.visible_warnings(actor).select_related("drafted_by", "approved_by")
                .order_by("-drafted_at", "-id")[:200])
    regions = selectors.region_names({w.scope for w in rows})
    english = selectors.english()
    return render(request, "alerts/warnings.html", {
        "rows": [{"warning": w, "title": w.title(english) or w.title(not english), "where": regions.get(w.scope, w.scope)}
                 for w in rows]})


@login_required
def warning_new(request):
    actor = _decider(request)
    context = {"form": _fields(), "errors": {}, "kinds": WarningKind.choices}
    if request.method == "POST":
        try:
            warning = services.draft_warning(actor=actor, fields=request.POST)
        except Forbidden:
            raise Http404 from None
        except (DomainError, InvalidInput) as exc:
            return render(request, "alerts/warning_new.html",
                          {**context, "form": _fields(request.POST), "errors": errors_by_field(exc)}, status=422)
        messages.success(request, _("The draft was saved. Another supervisor must approve it before it is "
                                    "published."))
        return redirect("alerts:warning", pk=warning.pk)
    return render(request, "alerts/warning_new.html", context)


def _warning_page(request, actor, warning, errors=None, form=None, status=200):
    english = selectors.english()
    drafted_by_me = warning.drafted_by_id == request.user.pk
    return render(request, "alerts/warning.html", {
        "warning": warning, "title": warning.title(english) or warning.title(not english),
        "where": selectors.region_names({warning.scope}).get(warning.scope, warning.scope),
        "events": list(warning.events.select_related("actor")), "errors": errors or {},
        "form": form or _fields(warning=warning), "kinds": WarningKind.choices,
        "can_edit": warning.status == WarningStatus.DRAFT,
        "can_approve": warning.status == WarningStatus.DRAFT and not drafted_by_me,
        "mine_to_approve": warning.status == WarningStatus.DRAFT and drafted_by_me,
        "can_publish": warning.status == WarningStatus.APPROVED,
        "can_withdraw": warning.status in (WarningStatus.DRAFT, WarningStatus.APPROVED, WarningStatus.PUBLISHED),
        "own_article_missing": services.EARLY_WARNING_KEY not in ((warning.rule_set.citations or {})
                                                                 if warning.rule_set else {}),
        "note": request.POST.get("note", "") if errors else ""}, status=status)


@login_required
def warning_detail(request, pk):
    actor = _decider(request)
    warning = _or_404(selectors.get_warning, actor=actor, pk=pk)
    return _warning_page(request, actor, warning)


@login_required
@require_POST
def warning_edit(request, pk):
    actor = _decider(request)
    warning = _or_404(selectors.get_warning, actor=actor, pk=pk)
    try:
        services.edit_warning(warning=warning, actor=actor, fields=request.POST)
    except Forbidden:
        raise Http404 from None
    except (DomainError, InvalidInput) as exc:
        return _warning_page(request, actor, warning, errors=errors_by_field(exc), form=_fields(request.POST), status=422)
    messages.success(request, _("The draft was saved."))
    return redirect("alerts:warning", pk=warning.pk)


DONE = {"approve": gettext_lazy("The warning was approved. It can now be published."),
        "publish": gettext_lazy("The warning is published on the public site."),
        "withdraw": gettext_lazy("The warning was withdrawn.")}


@login_required
@require_POST
def warning_act(request, pk, action):
    actor = _decider(request)
    warning = _or_404(selectors.get_warning, actor=actor, pk=pk)
    act = services.ACTIONS.get(action)
    if act is None:
        raise Http404
    try:
        act(warning=warning, actor=actor, note=request.POST.get("note", ""))
    except Forbidden:
        raise Http404 from None
    except (DomainError, InvalidInput) as exc:
        return _warning_page(request, actor, warning, errors=errors_by_field(exc), status=422)
    messages.success(request, DONE[action])
    return redirect("alerts:warning", pk=warning.pk)


# ---- the public -------------------------------------------------------------------------------

def public_warnings(request):
    rows = list(selectors.published_warnings()[:100])
    english = selectors.english()
    regions = selectors.region_names({w.scope for w in rows})
    return render(request, "alerts/public_list.html", {
        "rows": [{"warning": w, "title": w.title(english), "where": regions.get(w.scope, w.scope),
                  "url": reverse("alerts:public-warning", args=[w.pk])} for w in rows]})


def public_warning(request, pk):
    warning = _or_404(selectors.published_warning, pk=pk)
    english = selectors.english()
    return render(request, "alerts/public_warning.html", {
        "warning": warning, "title": warning.title(english), "body": warning.body(english),
        "where": selectors.region_names({warning.scope}).get(warning.scope, warning.scope)})
