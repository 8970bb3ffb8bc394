"""The public complaint and report forms, their inline Art. 9 check, and the hotline console."""
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ombud.accounts.models import STAFF_ROLES
from ombud.cases import disclosure_to_parties as disclosure
from ombud.core.auth import actor_of_user
from ombud.core.errors import DomainError, InvalidInput
from ombud.core import ratelimit
from ombud.taxonomy.selectors import choices

from . import forms, selectors, services
from .services import Actor


def _context(kind, post=None, errors=None):
    return {"kind": kind, "post": post or {}, "errors": errors or {}, "categories": choices("category"),
            "issues": choices("issue"), "violations": choices("violation"),
            "error_list": forms.error_list(errors or {}, kind),
            "max_files": settings.OMBUD_ATTACHMENT_MAX_FILES, "promises": disclosure.promises(kind)}


def _remember(request, ticket):
    """A public filer may follow the case from this browser without retyping the phone number."""
    tracked = request.session.get("tracked", [])
    request.session["tracked"] = [ticket, *[t for t in tracked if t != ticket]][:20]


def _file(request, kind, template):
    if request.method != "POST":
        consumer = actor_of_user(request.user).role == "consumer"
        return render(request, template, _context(kind, selectors.contact_prefill(request.user) if consumer else None))
    if not request.user.is_authenticated:
        try:
            ratelimit.filing(request)  # counted together with the API's public filing
        except ratelimit.RateLimited as exc:
            response = render(request, template, _context(kind, request.POST, {"form": _(
                "Too many submissions from this address in the last hour. Please try again later or call 12315.")}),
                status=429)
            response["Retry-After"] = str(exc.retry_after)
            return response
    data = forms.payload(request.POST, kind)
    data["language"] = request.LANGUAGE_CODE if request.LANGUAGE_CODE in ("zh-hans", "en") else None
    case_in, errors = forms.validate(data)
    # The public forms take nothing Art. 9 (or a report) needs missing; the API keeps such cases flagged.
    errors = {**forms.public_form_errors(data), **errors}
    if errors:
        return _refused(request, template, kind, data, errors)
    actor = actor_of_user(request.user)
    try:
        outcome = services.submit(data=case_in, actor=actor, files=request.FILES.getlist("attachments"))
    except InvalidInput as exc:
        return _refused(request, template, kind, data, forms.invalid_input_errors(exc))
    case = outcome.case
    if kind == "complaint" and request.POST.get("odr") == "on":
        _opt_into_odr(request, case)
    _remember(request, case.ticket)
    if case.complainant_phone or case.submitted_by_user_id:  # tracked by ticket + phone, or in "My cases"
        messages.success(request, _("Received. Your ticket number is %(ticket)s: keep it to follow your case.")
                         % {"ticket": case.ticket})
    else:
        messages.success(request, _("Received. Its number is %(ticket)s. Without a phone number or an account "
                                    "it cannot be followed later, and you will not be told the result.")
                         % {"ticket": case.ticket})
    return redirect("public:case", ticket=case.ticket)


def _refused(request, template, kind, data, errors):
    """The form again with every input and each fault named; nothing was sent."""
    context = _context(kind, request.POST, errors)
    if kind == "complaint":
        context["missing"] = forms.art9_missing(data)
    return render(request, template, context, status=422)


def _opt_into_odr(request, case):
    from ombud.workflow.services import perform

    try:
        perform(ticket=case.ticket, action="odr_opt_in", actor=Actor(role="consumer", user=case.submitted_by_user))
    except DomainError as exc:  # the business left ODR meanwhile: the case goes to the authority
        messages.warning(request, _("The direct lane is not available: %(why)s") % {"why": exc.localized()})


def complaint(request):
    return _file(request, "complaint", "intake/complaint.html")


def report(request):
    return _file(request, "report", "intake/report.html")


@require_POST
def check(request):
    """htmx: the Art. 9 items still missing, shown while the person types."""
    missing = forms.art9_missing(forms.payload(request.POST, "complaint"))
    return render(request, "intake/_art9.html", {"missing": missing})


def console(request):
    """The hotline console: a complaint, report or consultation typed in while on the phone."""
    actor = actor_of_user(request.user)
    if actor.role not in STAFF_ROLES:
        return redirect(f"{settings.LOGIN_URL}?next={request.path}")
    context = {**_context(request.POST.get("kind", "complaint"), request.POST), "console": True}
    if request.method != "POST":
        return render(request, "intake/console.html", context)
    kind = request.POST.get("kind", "complaint")
    data = {**forms.payload(request.POST, kind), "channel": "hotline"}
    case_in, errors = forms.validate(data)
    if errors:
        return render(request, "intake/console.html", {**context, "errors": errors}, status=422)
    case = services.submit(data=case_in, actor=actor).case
    answer = (request.POST.get("answer") or "").strip()
    if kind == "consultation" and answer:
        from ombud.workflow.services import perform

        perform(ticket=case.ticket, action="answer", actor=actor, fields={"answer": answer})
        messages.success(request, _linked(_("Consultation %(ticket)s answered and closed."), case, actor))
    else:
        messages.success(request, _linked(_("Case %(ticket)s registered and routed."), case, actor))
    return redirect("desk:console")


def _linked(text, case, actor):
    """The message with its ticket as a link to the case, when the operator may open it."""
    from ombud.cases.selectors import visible_cases

    ticket = case.ticket
    if visible_cases(actor).filter(pk=case.pk).exists():
        ticket = format_html('<a href="{}">{}</a>', reverse("desk:case", args=[case.ticket]), case.ticket)
    return mark_safe(conditional_escape(text) % {"ticket": conditional_escape(ticket)})


def suggest(request):
    """htmx typeahead: businesses by name or USCC, with their ODR enrolment."""
    from ombud.businesses.selectors import search_businesses

    q = (request.GET.get("respondent_name") or request.GET.get("q") or "").strip()
    rows = list(search_businesses(q=q, limit=8)) if len(q) >= 2 else []
    return render(request, "intake/_suggest.html", {"rows": rows, "q": q})
