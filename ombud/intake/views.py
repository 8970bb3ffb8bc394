"""The public complaint and report forms, their inline Art. 9 check, and the hotline console."""
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ombud.accounts.models import STAFF_ROLES
from ombud.core.auth import actor_of_user
from ombud.core.errors import DomainError, InvalidInput
from ombud.core.ratelimit import allow
from ombud.taxonomy.selectors import choices

from . import forms, services
from .services import Actor

# Art. 9 field names as the form calls them, with what to tell the person.
ART9_LABELS = {
    "complainant.name": "complainant_name", "complainant.phone": "complainant_phone",
    "complainant.address": "complainant_address", "respondent.name": "respondent_name",
    "respondent.address": "respondent_address", "request": "request", "facts": "facts",
}


def _context(kind, post=None, errors=None):
    return {"kind": kind, "post": post or {}, "errors": errors or {}, "categories": choices("category"),
            "issues": choices("issue"), "violations": choices("violation"),
            "max_files": settings.OMBUD_ATTACHMENT_MAX_FILES}


def _remember(request, ticket):
    """A public filer may follow the case from this browser without retyping the phone number."""
    tracked = request.session.get("tracked", [])
    request.session["tracked"] = [ticket, *[t for t in tracked if t != ticket]][:20]


def _file(request, kind, template):
    if request.method != "POST":
        return render(request, template, _context(kind))
    if not request.user.is_authenticated and not allow(request, "file", limit=settings.OMBUD_PUBLIC_FORMS_PER_HOUR):
        return render(request, template, _context(kind, request.POST, {"form": _(
            "Too many submissions from this address in the last hour. Please try again later or call 12315.")}),
            status=429)
    data = forms.payload(request.POST, kind)
    data["language"] = request.LANGUAGE_CODE if request.LANGUAGE_CODE in ("zh-hans", "en") else None
    case_in, errors = forms.validate(data)
    if errors:
        return render(request, template, _context(kind, request.POST, errors), status=422)
    actor = actor_of_user(request.user)
    try:
        outcome = services.submit(data=case_in, actor=actor, files=request.FILES.getlist("attachments"))
    except InvalidInput as exc:
        return render(request, template, _context(kind, request.POST, forms.invalid_input_errors(exc)), status=422)
    case = outcome.case
    if kind == "complaint" and request.POST.get("odr") == "on":
        _opt_into_odr(request, case)
    _remember(request, case.ticket)
    messages.success(request, _("Received. Your ticket number is %(ticket)s: keep it to follow your case.")
                     % {"ticket": case.ticket})
    return redirect("public:case", ticket=case.ticket)


def _opt_into_odr(request, case):
    from ombud.workflow.services import perform

    try:
        perform(ticket=case.ticket, action="odr_opt_in", actor=Actor(role="consumer", user=case.submitted_by_user))
    except DomainError as exc:  # the business left ODR meanwhile: the case goes to the authority
        messages.warning(request, _("The direct lane is not available: %(why)s") % {"why": exc.message})


def complaint(request):
    return _file(request, "complaint", "intake/complaint.html")


def report(request):
    return _file(request, "report", "intake/report.html")


@require_POST
def check(request):
    """htmx: the Art. 9 items still missing, shown while the person types."""
    data = forms.payload(request.POST, "complaint")
    case_in, _errors = forms.validate({**data, "respondent": {k: v for k, v in (data.get("respondent") or {}).items()
                                                              if k != "uscc"}})
    missing = services.missing_fields(case_in) if case_in else []
    return render(request, "intake/_art9.html", {"missing": [ART9_LABELS.get(m, m) for m in missing]})


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
        messages.success(request, _("Consultation %(ticket)s answered and closed.") % {"ticket": case.ticket})
    else:
        messages.success(request, _("Case %(ticket)s registered and routed.") % {"ticket": case.ticket})
    return redirect("desk:console")


def suggest(request):
    """htmx typeahead: businesses by name or USCC, with their ODR enrolment."""
    from ombud.businesses.selectors import search_businesses

    q = (request.GET.get("respondent_name") or request.GET.get("q") or "").strip()
    rows = list(search_businesses(q=q, limit=8)) if len(q) >= 2 else []
    return render(request, "intake/_suggest.html", {"rows": rows, "q": q})
