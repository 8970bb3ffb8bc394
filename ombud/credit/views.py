"""Pages: a business's credit (public, and on the desk with the serious-violation list form), and the desk's list of
listed businesses. Views validate, call the selectors and services, and render."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from ombud.accounts.models import STAFF_ROLES
from ombud.core.auth import actor_of_user
from ombud.core.errors import DomainError, errors_by_field
from ombud.disclosure.views import _period

from . import selectors, services


def _staff(request):
    actor = actor_of_user(request.user)
    if actor.role not in STAFF_ROLES:
        raise Http404
    return actor


def _business(pk):
    from ombud.businesses.selectors import business_by_id

    firm = business_by_id(pk)
    if firm is None:
        raise Http404
    return firm


def _context(request, firm, *, staff):
    start, end, errors = _period(request)
    view = selectors.credit_view(business=firm, start=start, end=end, staff=staff)
    return {"firm": firm, "start": start, "end": end, "errors": errors, "v": view, "r": view["record"],
            "f": view["figures"], "staff": staff}, errors


def business(request, pk):
    """The public credit page of a business."""
    firm = _business(pk)
    context, errors = _context(request, firm, staff=False)
    return render(request, "credit/business.html", context, status=422 if errors else 200)


@login_required
def desk_list(request):
    """Businesses on the serious-violation list now, and a search to open any business's credit page."""
    from ombud.businesses.selectors import search_businesses

    _staff(request)
    q = (request.GET.get("q") or "").strip()
    found = list(search_businesses(q=q, limit=30)) if len(q) >= 2 else []
    rows, more = selectors.listed_businesses()
    return render(request, "credit/desk_list.html", {"rows": rows, "more": more, "q": q, "found": found,
                                                      "short": 0 < len(q) < 2})


@login_required
def desk_business(request, pk):
    """The credit page for staff: penalties whose public period ran out too, the list entries with their history,
    and the forms to list the business and to remove it."""
    actor = _staff(request)
    firm = _business(pk)
    form_errors, posted = {}, {}
    if request.method == "POST":
        posted = request.POST
        action = request.POST.get("action")
        try:
            if action == "list":
                services.list_business(business=firm, actor=actor, article=posted.get("article", ""),
                                       decision_number=posted.get("decision_number", ""),
                                       listed_on=posted.get("listed_on", ""),
                                       removal_eligible_on=posted.get("removal_eligible_on", ""))
                messages.success(request, _("The business is on the serious-violation list."))
            elif action == "remove":
                entry = selectors.open_entry(firm)
                if entry is None:
                    raise Http404
                services.remove_listing(entry=entry, actor=actor, reason=posted.get("reason", ""),
                                        removed_on=posted.get("removed_on", ""))
                messages.success(request, _("The business is removed from the serious-violation list."))
            else:
                raise Http404
            return redirect("credit:desk-business", pk=firm.pk)
        except DomainError as exc:
            form_errors = errors_by_field(exc)
    context, errors = _context(request, firm, staff=True)
    rule = context["v"]["rule"]
    context.update({
        "can_decide": selectors.can_decide(actor, firm), "form_errors": form_errors, "posted": posted,
        "entries": selectors.entries_of(firm), "articles": rule.list_articles if rule else [],
        "action": posted.get("action", "") if form_errors else ""})
    return render(request, "credit/desk_business.html", context, status=422 if errors or form_errors else 200)
