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
