"""Action forms for every portal: one button per action allowed now, each opening its own form."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ombud.cases import selectors
from ombud.cases.views import _business, _public_case, _staff, visible_or_404
from ombud.core.errors import (
    DomainError,
    Forbidden,
    InvalidInput,
    error_words,
    errors_by_field,
)

from . import forms, machine, services


def _act(request, case, actor, action, back):
    rule = machine.find(case.kind, action)
    if rule is None or action not in services.allowed_for(case, actor):
        raise Http404
    context = {"case": case, "title": forms.ACTIONS.get(action, action), "back_url": back,
               "fields": forms.fields(rule, case, request.POST), "action_url": request.path, "errors": {}}
    if request.method == "POST":
        try:
            services.perform(ticket=case.ticket, action=action, actor=actor, fields=forms.parse(rule, request.POST))
        except (DomainError, InvalidInput) as exc:
            if isinstance(exc, Forbidden):
                raise Http404
            return render(request, "workflow/act.html", {**context, "errors": errors_by_field(exc)}, status=422)
        messages.success(request, _("Done: %(action)s.") % {"action": context["title"]})
        return redirect(back)
    return render(request, "workflow/act.html", context)


def public_act(request, ticket, action):
    from ombud.intake.services import Actor

    case = _public_case(request, ticket)
    actor = Actor(role="consumer", user=request.user if request.user.is_authenticated else None)
    return _act(request, case, actor, action, reverse("public:case", args=[case.ticket]))


@login_required
def desk_act(request, ticket, action):
    actor = _staff(request)
    case = visible_or_404(ticket, actor)
    return _act(request, case, actor, action, reverse("desk:case", args=[case.ticket]))


@login_required
def business_act(request, ticket, action):
    actor = _business(request)
    case = visible_or_404(ticket, actor)
    return _act(request, case, actor, action, reverse("business:case", args=[case.ticket]))


@login_required
@require_POST
def bulk(request):
    """Assign or transfer the ticked cases of the queue."""
    actor = _staff(request)
    tickets = request.POST.getlist("tickets")
    op = request.POST.get("op")
    back = reverse("desk:queue") + "?" + request.POST.get("query", "")
    if not tickets:
        messages.warning(request, _("Tick at least one case."))
        return redirect(back)
    visible = list(selectors.visible_cases(actor).filter(ticket__in=tickets).values_list("ticket", flat=True))
    done, failed = 0, []
    for ticket in visible:
        try:
            if op == "assign":
                services.assign(ticket=ticket, handler_username=request.POST.get("handler", ""), actor=actor)
            elif op == "transfer":
                services.perform(ticket=ticket, action="transfer", actor=actor,
                                 fields={"to_authority": request.POST.get("to_authority", ""),
                                         "reason": request.POST.get("reason", "")})
            else:
                raise DomainError(_("unknown bulk action"))
            done += 1
        except (DomainError, InvalidInput) as exc:
            failed.append(f"{ticket}: {error_words(exc)}")
    if done:
        messages.success(request, _("%(n)s case(s) updated.") % {"n": done})
    for line in failed[:10]:
        messages.error(request, line)
    return redirect(back)


@login_required
def authority_suggest(request):
    """htmx typeahead for the transfer picker: authorities by name or code; picking one fills in its code."""
    from ombud.regions.selectors import search_authorities

    _staff(request)
    field = request.GET.get("field", "to_authority")
    if field not in ("to_authority", "by_authority"):
        raise Http404
    q = (request.GET.get(field) or request.GET.get("q") or "").strip()
    rows = list(search_authorities(q=q)) if len(q) >= 2 else []
    return render(request, "workflow/_authorities.html", {"rows": rows, "q": q, "field": field})
