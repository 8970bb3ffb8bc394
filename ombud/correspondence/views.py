"""The thread on each portal's case page (htmx posting, plain POST without scripts) and scoped file downloads."""
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ombud.cases.models import PersonalDataView
from ombud.cases.views import _business, _public_case, _staff, visible_or_404
from ombud.core.errors import DomainError, InvalidInput, error_words
from ombud.core.ratelimit import allow

from . import selectors, services
from .models import Audience


def thread_context(case, actor):
    """What the case pages add for the thread: the messages, the files, and where this viewer may write."""
    labels, role = dict(Audience.choices), actor.role or "consumer"
    return {"thread": selectors.thread_for(case=case, viewer=actor),
            "files": selectors.attachments_for(case=case, viewer=actor),
            "audiences": [(a, labels[a]) for a in services.audiences_for(case, role)],
            "show_audience": role != "business", "viewer_role": role}


def _consumer(request):
    from ombud.intake.services import Actor

    return Actor(role="consumer", user=request.user if request.user.is_authenticated else None)


def _post(request, case, actor, namespace, limited=False):
    here = reverse(f"{namespace}:case", args=[case.ticket])
    error, draft = "", ""
    if limited:
        error, draft = _("Too many messages from this address in the last hour. Please try again later."), \
            request.POST.get("body", "")
    else:
        try:
            services.post_message(case=case, actor=actor, body=request.POST.get("body", ""),
                                  audience=request.POST.get("audience", ""), files=request.FILES.getlist("files"))
        except (DomainError, InvalidInput) as exc:
            error, draft = error_words(exc), request.POST.get("body", "")
    if request.headers.get("HX-Request"):
        context = {**thread_context(case, actor), "case": case, "base": here, "thread_error": error, "draft": draft}
        # 200 even when refused: htmx swaps only 2xx answers, and the person must see why
        return render(request, "correspondence/_thread.html", context)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("Your message was sent."))
    return redirect(here + "#thread")


@require_POST
def public_post(request, ticket):
    case = _public_case(request, ticket)
    limited = not request.user.is_authenticated and not allow(request, "message",
                                                              limit=settings.OMBUD_PUBLIC_FORMS_PER_HOUR)
    return _post(request, case, _consumer(request), "public", limited=limited)


@login_required
@require_POST
def desk_post(request, ticket):
    actor = _staff(request)
    return _post(request, visible_or_404(ticket, actor), actor, "desk")


@login_required
@require_POST
def business_post(request, ticket):
    actor = _business(request)
    case = visible_or_404(ticket, actor)
    if not services.shared_with_business(case):
        raise Http404
    return _post(request, case, actor, "business")


def _download(request, case, actor, pk, where=None):
    """A file of the case that this viewer may have, as a download; anything else is a 404."""
    attachment = next((a for a in selectors.attachments_for(case=case, viewer=actor) if a.pk == pk), None)
    if attachment is None:
        raise Http404
    if where:  # files are personal data: every staff and business download is logged
        PersonalDataView.objects.create(case=case, user=request.user, role=actor.role, where=where)
    response = FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.name,
                            content_type=attachment.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def public_file(request, ticket, pk):
    return _download(request, _public_case(request, ticket), _consumer(request), pk)


@login_required
def desk_file(request, ticket, pk):
    actor = _staff(request)
    return _download(request, visible_or_404(ticket, actor), actor, pk, where="desk_file")


@login_required
def business_file(request, ticket, pk):
    actor = _business(request)
    return _download(request, visible_or_404(ticket, actor), actor, pk, where="business_file")
