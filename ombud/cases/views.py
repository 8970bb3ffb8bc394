"""Case pages for the public, the desk (handlers, operators, supervisors) and businesses."""
from collections import Counter
from types import SimpleNamespace

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Exists, F, OuterRef, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ombud.accounts.models import STAFF_ROLES
from ombud.core import ratelimit
from ombud.core.auth import actor_of_user
from ombud.core.errors import NotFound
from ombud.taxonomy.selectors import choices
from ombud.workflow.models import CaseDeadline

from . import disclosure_to_parties as disclosure
from . import plain, presenters, selectors, services
from .models import Case, Kind, PersonalDataView, SavedView, Status
from .tickets import normalize

OPEN = [Status.PENDING_DISPATCH, Status.RECEIVED, Status.ODR, Status.ODR_FAILED, Status.ACCEPTED, Status.MEDIATING,
        Status.AGREED, Status.TERMINATED, Status.FILED, Status.NOT_FILED, Status.PENALIZED]


def visible_or_404(ticket, actor):
    """The case if this actor may see it; a case outside one's scope does not exist (404)."""
    try:
        return selectors.get_case(ticket=ticket, actor=actor)
    except NotFound:
        raise Http404 from None


def _timeline(case, actor):
    """The case's events this actor may see, in its words (reads the prefetched events, see selectors)."""
    words = {**plain.EVENTS, **plain.TO_THE_CONSUMER} if actor.role == "consumer" else plain.EVENTS
    rows = []
    for e, shown in disclosure.shown_events(case, actor):  # the same table as the API: reason, actor, data
        told = SimpleNamespace(action=e.action, reason=shown["reason"], data=shown["data"])
        rows.append({"at": e.at, "text": words.get(e.action, e.action), "action": e.action, "article": e.article,
                     "actor": shown["actor_text"], "details": plain.details(told, case.rule_set),
                     "data": shown["data"]})
    return rows


def _clocks(case):
    from ombud.workflow.presenters import deadline_rows

    return deadline_rows(case)


def _page(case, actor):
    from ombud.correspondence.views import thread_context
    from ombud.documents.selectors import view as document_view
    from ombud.workflow.forms import ACTIONS
    from ombud.workflow.services import allowed_for

    who = disclosure.audience(actor)
    return {"case": case, "timeline": _timeline(case, actor), "clocks": _clocks(case),
            "documents": [document_view(d) for d in case.documents.all() if disclosure.sees_document(d.form, who)],
            "actions": [(a, ACTIONS.get(a, a)) for a in allowed_for(case, actor)],
            "negotiations": presenters.negotiations(case), **thread_context(case, actor)}


# ---- the public ----------------------------------------------------------------------------

def track(request):
    """Ticket number plus phone number: no account needed."""
    if request.method != "POST":
        return render(request, "cases/track.html")
    ticket, phone = request.POST.get("ticket", ""), request.POST.get("phone", "")
    number = normalize(ticket) or ticket[:40]
    try:
        ratelimit.tracking(request, number)
    except ratelimit.RateLimited as exc:
        response = render(request, "cases/track.html", {"error": _(
            "Too many attempts; try again in %(minutes)s minutes.") % {"minutes": max(1, exc.retry_after // 60)}},
            status=429)
        response["Retry-After"] = str(exc.retry_after)
        return response
    try:
        case = selectors.get_case(ticket=ticket, actor=actor_of_user(request.user), phone=phone or "-")
    except NotFound:
        ratelimit.ticket_failed(number)
        return render(request, "cases/track.html", {"error": _("No case matches that ticket and phone number."),
                                                    "ticket": ticket}, status=404)
    from ombud.intake.views import _remember

    _remember(request, case.ticket)
    return redirect("public:case", ticket=case.ticket)


def _public_case(request, ticket):
    number = normalize(ticket)
    actor = actor_of_user(request.user)
    mine = request.user.is_authenticated and actor.role == "consumer"
    if number is None or not (number in request.session.get("tracked", []) or mine):
        raise Http404
    qs = Case.objects.filter(ticket=number)
    if mine and number not in request.session.get("tracked", []):
        qs = qs.filter(submitted_by_user=request.user)
    case = selectors._cached_rule_set(selectors.first(selectors._with_detail(qs)))
    if case is None:
        raise Http404
    return case


def public_case(request, ticket):
    from ombud.intake.services import Actor

    case = _public_case(request, ticket)
    consumer = Actor(role="consumer", user=request.user if request.user.is_authenticated else None)
    return render(request, "cases/public_case.html", _page(case, consumer))


@login_required
def mine(request):
    cases = Case.objects.filter(submitted_by_user=request.user).order_by("-received_at")[:100]
    return render(request, "cases/mine.html", {"cases": cases})


# ---- the desk ------------------------------------------------------------------------------

def _staff(request):
    actor = actor_of_user(request.user)
    if actor.role not in STAFF_ROLES:
        raise Http404
    return actor


def _queue(actor, params):
    now = timezone.now()
    running = CaseDeadline.objects.filter(case=OuterRef("pk"), met_at__isnull=True)
    qs = selectors.visible_cases(actor).select_related("respondent")
    q = (params.get("q") or "").strip()
    exact = selectors.search_by_ticket_or_phone(qs, q) if q else None
    if exact is not None:  # a ticket or a phone finds the case in any state, past every other filter
        return exact.order_by(F("next_due").asc(nulls_last=True), "received_at"), now
    status = params.get("status", "")
    if status != "any":
        qs = qs.filter(status=status) if status else qs.filter(status__in=OPEN)
    if params.get("kind"):
        qs = qs.filter(kind=params["kind"])
    if params.get("view") == "overdue":  # next_due narrows by index; the clock check drops paused ones
        qs = qs.filter(next_due__lte=now).filter(Exists(running.filter(paused_at__isnull=True, due__lte=now)))
    if params.get("view") == "mine":
        qs = qs.filter(handler=actor.user)
    if params.get("view") == "new":  # not yet taken up by anyone: intake's view
        qs = qs.filter(handler__isnull=True, status__in=[Status.PENDING_DISPATCH, Status.RECEIVED])
    if q:
        qs = qs.filter(Q(facts__icontains=q) | Q(request__icontains=q)
                       | Q(respondent_name__icontains=q) | Q(complainant_name__icontains=q))
    return qs.order_by(F("next_due").asc(nulls_last=True), "received_at"), now


ROW_FIELDS = ("ticket", "kind", "status", "respondent_name", "next_due", "received_at", "respondent__name")


def _rows(cases, now):
    """The queue's rows as plain values, labels looked up once, badges from one query on the shown cases."""
    flags = {}
    for case_id, paused_at, provisional in CaseDeadline.objects.filter(
            case_id__in=[c.pk for c in cases], met_at__isnull=True).values_list("case_id", "paused_at", "provisional"):
        paused, prov = flags.get(case_id, (False, False))
        flags[case_id] = (paused or paused_at is not None, prov or provisional)
    kinds, statuses = dict(Kind.choices), dict(Status.choices)
    rows = []
    for c in cases:
        paused, provisional = flags.get(c.pk, (False, False))
        rows.append({"ticket": c.ticket, "kind": kinds.get(c.kind, c.kind), "status": statuses.get(c.status, c.status),
                     "business": c.respondent.name if c.respondent_id else c.respondent_name, "next_due": c.next_due,
                     "overdue": bool(c.next_due and c.next_due <= now and not paused), "paused": paused,
                     "provisional": provisional})
    return rows


@login_required
def queue(request):
    actor = _staff(request)
    qs, now = _queue(actor, request.GET)
    page = request.GET.get("page", "")
    page = max(int(page), 1) if page.isascii() and page.isdigit() else 1  # ?page=x or ?page=³: the first page
    rows = _rows(list(qs.only(*ROW_FIELDS)[(page - 1) * 50: page * 50 + 1]), now)
    views = SavedView.objects.filter(user=request.user)
    from ombud.accounts.models import Profile

    handlers = Profile.objects.filter(role="handler", authority=actor.authority).select_related("user") \
        if actor.authority else []
    return render(request, "cases/queue.html", {
        "rows": rows[:50], "more": len(rows) > 50, "page": page, "now": now, "params": request.GET,
        "views": views, "statuses": Status.choices, "handlers": handlers, "query": request.GET.urlencode(),
        # words searched in open cases only: say so, and how to widen it
        "open_only_hint": bool(request.GET.get("q", "").strip()) and not request.GET.get("status")
        and selectors.exact_key(request.GET.get("q")) is None})


@login_required
@require_POST
def save_view(request):
    _staff(request)
    name = (request.POST.get("name") or "").strip()[:60]
    if name:
        SavedView.objects.update_or_create(user=request.user, name=name,
                                           defaults={"query": request.POST.get("query", "")[:500]})
        messages.success(request, _("View “%(name)s” saved.") % {"name": name})
    return redirect(reverse("desk:queue") + "?" + request.POST.get("query", ""))


@login_required
def desk_case(request, ticket):
    actor = _staff(request)
    case = visible_or_404(ticket, actor)
    complainant = selectors.party_view(case, actor)
    if complainant:
        PersonalDataView.objects.create(case=case, user=request.user, role=actor.role, where="desk_case")
    from ombud.taxonomy.selectors import term_label

    return render(request, "cases/desk_case.html", {
        **_page(case, actor), "complainant": complainant, "category": term_label("category", case.category),
        "issue_type": term_label("issue", case.issue_type),
        "violation_type": term_label("violation", case.violation_type)})


def _lower(authority):
    """The authorities one level down, looking through a level that only repeats this one's name (the
    市辖区 of a municipality: 上海市 → 310100 is again 上海市市场监督管理局), so a drill-down always moves."""
    from ombud.regions.models import Authority

    out = []
    for child in Authority.objects.filter(parent=authority).select_related("region"):
        out.extend(_lower(child) if child.name == authority.name else [child])
    return out


@login_required
def overview(request):
    actor = _staff(request)
    from ombud.regions.models import Authority

    scope = selectors.visible_cases(actor)
    root = request.GET.get("region") or (actor.authority.code if actor.authority else "100000")
    drill = Authority.objects.filter(code=root).first()
    if drill is None or (actor.authority and not actor.authority.covers(drill) and drill != actor.authority):
        raise Http404
    scope = scope.filter(authority__path__startswith=drill.path) if drill.path else scope
    by_status = Counter(dict(scope.values_list("status").annotate(n=Count("id")).order_by()))
    by_kind = Counter(dict(scope.values_list("kind").annotate(n=Count("id")).order_by()))
    now = timezone.now()
    overdue = CaseDeadline.objects.filter(met_at__isnull=True, paused_at__isnull=True, due__lte=now,
                                          case__in=scope.values("pk"))
    top = (scope.exclude(respondent=None).values("respondent__name").annotate(n=Count("id")).order_by("-n")[:10])
    children = {a.pk: a for a in _lower(drill)}
    per_authority = dict(scope.values_list("authority_id").annotate(n=Count("id")).order_by())
    regions = Counter()
    lookup = {a.pk: a for a in Authority.objects.filter(pk__in=per_authority)}
    for aid, n in per_authority.items():
        a = lookup.get(aid)
        while a is not None and a.pk not in children and a.pk != drill.pk:
            a = lookup.get(a.parent_id) or Authority.objects.filter(pk=a.parent_id).first()
        if a is not None and a.pk in children:
            regions[a.pk] += n
    top_regions = [(children[k], v) for k, v in regions.most_common(15)]
    biggest = max([v for _, v in top_regions] or [1])
    up = drill.parent
    while up is not None and up.parent is not None and up.parent.name == up.name:
        up = up.parent  # past a level that only repeats its parent (see _lower)
    return render(request, "cases/overview.html", {
        "drill": drill, "up": up, "total": sum(by_kind.values()), "by_status": sorted(by_status.items(), key=lambda x: -x[1]),
        "by_kind": sorted(by_kind.items()), "overdue": overdue.count(),
        "overdue_rows": overdue.select_related("case", "case__authority").order_by("due")[:10],
        "top": top, "regions": [(a, n, round(100 * n / biggest)) for a, n in top_regions],
        "status_labels": dict(Status.choices)})


# ---- businesses ----------------------------------------------------------------------------

def _business(request):
    actor = actor_of_user(request.user)
    if actor.role != "business" or actor.business is None:
        raise Http404
    return actor


@login_required
def business_cases(request):
    actor = _business(request)
    rows = list(selectors.visible_cases(actor).order_by(F("next_due").asc(nulls_last=True), "-received_at")[:100])
    categories = {code: label for code, label, _group in choices("category")}
    for c in rows:
        c.subject = presenters.subject(c, categories)
    return render(request, "cases/business_cases.html", {"rows": rows, "business": actor.business,
                                                         "now": timezone.now()})


@login_required
def business_case(request, ticket):
    actor = _business(request)
    case = visible_or_404(ticket, actor)
    complainant = selectors.party_view(case, actor)
    PersonalDataView.objects.create(case=case, user=request.user, role=actor.role, where="business_case")
    return render(request, "cases/business_case.html", {**_page(case, actor), "complainant": complainant})


@login_required
@require_POST
def business_respond(request, ticket):
    actor = _business(request)
    case = visible_or_404(ticket, actor)
    text = (request.POST.get("public_response") or "").strip()
    if text:
        services.respond_publicly(case=case, actor=actor, text=text)
        messages.success(request, _("Your public response was published."))
    return redirect("business:case", ticket=case.ticket)
