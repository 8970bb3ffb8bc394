"""Pages: the review queue of complainants' accounts before publication, and the public record of a business."""
import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from ombud.accounts.models import STAFF_ROLES
from ombud.core.auth import actor_of_user
from ombud.core.errors import DomainError, errors_by_field

from . import selectors, services
from .models import NarrativeStatus


def _staff(request):
    actor = actor_of_user(request.user)
    if actor.role not in STAFF_ROLES:
        raise Http404
    return actor


def _narrative(actor, pk):
    narrative = selectors.review_queue(actor=actor, status="").select_related("case").filter(pk=pk).first()
    if narrative is None:
        raise Http404
    return narrative




def _marked(text, removed):
    """The source text in pieces, each [text, type label or ""], for showing what the recognisers removed."""
    from .scrub import LABELS

    pieces, at = [], 0
    for kind, start, end in sorted(removed, key=lambda r: r[1]):
        if start < at or end > len(text):
            continue  # the source changed since: show it plain rather than misplace the marks
        pieces += [[text[at:start], ""], [text[start:end], str(LABELS.get(kind, kind))]]
        at = end
    return pieces + [[text[at:], ""]]


@login_required
def queue(request):
    actor = _staff(request)
    status = request.GET.get("status", NarrativeStatus.PENDING)
    status = status if status in NarrativeStatus.values else ""
    rows = list(selectors.review_queue(actor=actor, status=status).select_related("case")[:200])
    return render(request, "disclosure/queue.html", {"rows": rows, "status": status or "all",
                                                     "statuses": NarrativeStatus.choices, "more": len(rows) == 200})


@login_required
def review(request, pk):
    from ombud.cases.services import record_personal_view

    actor = _staff(request)
    narrative = _narrative(actor, pk)
    errors, text = {}, narrative.text
    if request.method == "POST":
        decision, text = request.POST.get("decision"), request.POST.get("text", "")
        try:
            if decision == "approve":
                services.approve_narrative(narrative=narrative, actor=actor, text=text)
                messages.success(request, _("The account is approved; it is published with the case."))
            elif decision == "reject":
                services.reject_narrative(narrative=narrative, actor=actor, note=request.POST.get("note", ""))
                messages.success(request, _("The account will not be published."))
            else:
                raise Http404
            return redirect("disclosure:queue")
        except DomainError as exc:
            errors = errors_by_field(exc)
    record_personal_view(case=narrative.case, user=request.user, role=actor.role, where="account_review")
    return render(request, "disclosure/review.html", {
        "narrative": narrative, "case": narrative.case, "text": text, "errors": errors,
        "source": _marked(narrative.case.facts, narrative.removed), "events": narrative.events.select_related("actor"),
        "removed_count": len(narrative.removed)}, status=422 if errors else 200)




# ---- the public record of a business (投诉信息公示) -------------------------------------------------

PERIOD_DAYS = 365


def _period(request):
    """The visitor's period (`from`, `to`, local dates), the last year by default; {field: error} if wrong."""
    from django.utils import timezone

    today = timezone.localdate()
    errors, values = {}, {}
    for name, default in (("from", today - dt.timedelta(days=PERIOD_DAYS - 1)), ("to", today)):
        raw = (request.GET.get(name) or "").strip()
        try:
            values[name] = dt.date.fromisoformat(raw) if raw else default
        except ValueError:
            errors[name] = _("Enter a date such as 2026-11-01.")
            values[name] = default
    if not errors and values["from"] > values["to"]:
        errors["to"] = _("The end of the period comes before its start.")
    if not errors and (values["to"] - values["from"]).days > 3 * 366:
        errors["from"] = _("Choose a period of at most three years.")
    if errors:
        values = {"from": today - dt.timedelta(days=PERIOD_DAYS - 1), "to": today}
    return values["from"], values["to"], errors


def businesses(request):
    """Find a business by name or USCC."""
    from ombud.businesses.selectors import search_businesses

    q = (request.GET.get("q") or "").strip()
    rows = list(search_businesses(q=q, limit=50)) if len(q) >= 2 else []
    return render(request, "disclosure/businesses.html", {"q": q, "rows": rows, "short": 0 < len(q) < 2})


def business(request, pk):
    from ombud.businesses.selectors import business_by_id, merchants_of
    from ombud.taxonomy.selectors import term_label

    firm = business_by_id(pk)
    if firm is None:
        raise Http404
    start, end, errors = _period(request)
    record = selectors.business_record(business=firm, start=start, end=end)
    for row in record["responses"]:
        row["category_label"] = term_label("category", row["category"]) if row["category"] else ""
        row["issue_label"] = term_label("issue", row["issue_type"]) if row["issue_type"] else ""
    merchants = list(merchants_of(firm)) if record["platform"] else []
    return render(request, "disclosure/business.html", {
        "firm": firm, "start": start, "end": end, "errors": errors, "r": record, "f": record["figures"],
        "merchants": merchants}, status=422 if errors else 200)


# ---- the open complaint database's search page (over the same query as /api/v1/public/complaints) -------

def _page_params(get):
    """The page's form speaks the API's parameters, except that a filter is negated with a checkbox
    (`neg_<name>`) rather than by renaming it to `not_<name>`."""
    from . import query as qm

    params = get.copy()
    for name in qm.LIST_FILTERS:
        if params.get("neg_" + name) and params.getlist(name):
            params.setlist("not_" + name, params.getlist(name))
            params.pop(name)
    if params.get("neg_date_received"):
        params["not_date_received"] = "true"
    return params


def _trend_chart(trend):
    """charts.js line data: one line overall, or one per lens value."""
    from django.utils.formats import date_format

    labels = {"day": "SHORT_DATE_FORMAT", "week": "SHORT_DATE_FORMAT", "month": "YEAR_MONTH_FORMAT",
              "quarter": "YEAR_MONTH_FORMAT", "year": "Y"}
    buckets = trend["buckets"] or [{"label": _("all published complaints"), "series": trend["overview"]}]
    days = sorted({p["date"] for b in buckets for p in b["series"]})
    index = {d: i for i, d in enumerate(days)}
    series = []
    for b in buckets:
        values = [0] * len(days)
        for p in b["series"]:
            values[index[p["date"]]] = p["count"]
        series.append({"name": str(b["label"]), "data": values})
    return {"title": str(_("Complaints received, by date received")), "empty": str(_("No complaint matches.")),
            "labels": {"save_image": str(_("Save as image"))},
            "x": [date_format(d, labels[trend["interval"]]) for d in days], "series": series}


def _with_counts(selects, aggs, get):
    """The form's selects: each option with the count the query would give (from the aggregations, where
    known) and whether it is chosen, and whether the filter is negated."""
    out = []
    for name, label, options in selects:
        counts = {b["key"]: b["count"] for b in aggs.get(name, [])}
        estimated = any(b.get("approximate") for b in aggs.get(name, []))  # from a sample: shown as ≈
        chosen = get.get(name, "")
        out.append({"name": name, "label": label, "negated": bool(get.get("neg_" + name)), "errors": None,
                    "estimated": estimated,
                    "options": [(value, text, counts.get(value), value == chosen) for value, text in options]})
    return out


def complaints(request):
    """Search published complaints: filters (each can be negated), full text, counts per value, a trend
    chart and export links, all over the same query as the API."""
    from urllib.parse import urlencode

    from ombud.cases.models import Channel
    from ombud.regions.models import Region
    from ombud.taxonomy.selectors import choices

    from . import query as qm

    params = _page_params(request.GET)
    q, errors = qm.parse(params, size_default=20)
    lens, _sub_lens, interval, depth, more = qm.parse_trends(params)
    errors += more
    errors = {e["loc"][-1].removeprefix("not_"): e["msg"] for e in errors}
    selects = [
        ("region", _("Province"), list(Region.objects.filter(level=1).order_by("code").values_list("path", "name"))),
        ("category", _("Goods or service"), [(c, label) for c, label, _g in choices("category")]),
        ("issue", _("Issue"), [(c, label) for c, label, _g in choices("issue")]),
        ("channel", _("Channel"), list(Channel.choices)),
        ("outcome", _("Outcome"), list(selectors.OUTCOMES.items()))]
    context = {"errors": errors, "q": q, "values": request.GET, "lens": lens, "interval": interval,
               "selects": _with_counts(selects, {}, request.GET),
               "yes_no": _with_counts([(n, label, [("yes", _("yes")), ("no", _("no"))]) for n, label in (
                   ("timely", _("Accepted within the statutory period")),
                   ("has_narrative", _("With the consumer's account")), ("rated", _("Rated by the consumer")))],
                   {}, request.GET),
               "lenses": [(k, v) for k, v in (("overview", _("all together")), ("category", _("by category")),
                                              ("issue", _("by issue")), ("company", _("by business")),
                                              ("region", _("by province")))],
               "intervals": [("day", _("day")), ("week", _("week")), ("month", _("month")),
                             ("quarter", _("quarter")), ("year", _("year"))],
               "meta": selectors.database_meta(), "cap": f"{selectors.EXPORT_CAP:,}",
               "chosen": len(q.lists) + bool(q.received_min or q.received_max),
               "query_params": [(k, val) for k, vals in request.GET.lists() if k != "frm" for val in vals]}
    if not errors:
        aggs = selectors.cached("aggregations", q, lambda: selectors.aggregations(q))
        total, exact, hits = selectors.hits(q, total=selectors.known_total(q, aggs))
        trend = selectors.cached("trends", q, lambda: selectors.trends(q, lens=lens, interval=interval, depth=depth),
                                 lens, "", interval, depth)
        base = q.params() + [("lang", request.LANGUAGE_CODE)]
        here = [(k, val) for k, vals in request.GET.lists() if k != "frm" for val in vals]
        context.update({
            "total": total, "exact": exact, "hits": hits, "counts": {name: {b["key"]: b["count"] for b in buckets}
                                                     for name, buckets in aggs.items()}, "aggs": aggs,
            "estimated": any(b.get("approximate") for buckets in aggs.values() for b in buckets),
            "chart": _trend_chart(trend), "selects": _with_counts(selects, aggs, request.GET),
            "yes_no": _with_counts([(d["name"], d["label"], [(o[0], o[1]) for o in d["options"]])
                                    for d in context["yes_no"]], aggs, request.GET),
            "exports": {fmt: "/api/v1/public/complaints/export?" + urlencode(base + extra) for fmt, extra in (
                ("csv", [("format", "csv")]), ("json", [("format", "json")]),
                ("cfpb", [("format", "csv"), ("layout", "cfpb")]))},
            "api": "/api/v1/public/complaints?" + urlencode(base),
            "previous": urlencode(here + [("frm", max(0, q.frm - q.size))]) if q.frm else "",
            "next": urlencode(here + [("frm", q.frm + q.size)]) if q.frm + q.size < min(total, 10_000) else "",
            "first": q.frm + 1, "last": q.frm + len(hits)})
    return render(request, "disclosure/complaints.html", context, status=422 if errors else 200)


# ---- the complainant's view of their account's publication ------------------------------------------------

@login_required
def publication(request, ticket):
    """Whether and how the complainant's account is published, and their consent withdrawn in one click."""
    from ombud.cases.selectors import get_case

    actor = actor_of_user(request.user)
    try:
        case = get_case(ticket=ticket, actor=actor)
    except DomainError:
        raise Http404 from None
    if case.kind != "complaint" or case.submitted_by_user_id != request.user.pk:
        raise Http404
    if request.method == "POST":
        services.withdraw_consent(case=case, actor=actor)
        messages.success(request, _("Your consent is withdrawn: your account will not be published."))
        return redirect("disclosure:publication", ticket=case.ticket)
    return render(request, "disclosure/publication.html", {
        "case": case, "narrative": selectors.account_of(case), "public": selectors.public_account(case)})
