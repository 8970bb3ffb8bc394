"""The thread on each portal's case page (htmx posting, plain POST without scripts) and scoped file downloads."""
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ombud.cases.models import PersonalDataView
from ombud.cases.views import _business, _public_case, _staff, visible_or_404
from ombud.core.errors import DomainError, InvalidInput, error_words
from ombud.core.ratelimit import allow
from ombud.intake.attachments import IMAGES, preview, served_type

from . import selectors, services
from .models import Audience


def thread_context(case, actor):
    """What the case pages add for the thread: the messages, the files, and where this viewer may write."""
    labels, role = dict(Audience.choices), actor.role or "consumer"
    files = selectors.attachments_for(case=case, viewer=actor)
    for f in files:
        f.previewable = f.content_type in IMAGES  # shown inline from its re-encoded copy (`_preview`)
    return {"thread": selectors.thread_for(case=case, viewer=actor), "files": files,
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


def _file(case, actor, pk):
    """A file of the case that this viewer may have; anything else is a 404."""
    attachment = next((a for a in selectors.attachments_for(case=case, viewer=actor) if a.pk == pk), None)
    if attachment is None:
        raise Http404
    return attachment


def _logged(request, case, actor, where):
    """Files are personal data: every download and preview is logged, the complainant's own too."""
    user = actor.user if actor.user is not None and actor.user.is_authenticated else None
    PersonalDataView.objects.create(case=case, user=user, role=actor.role or "consumer", where=where)


def _download(request, case, actor, pk, where):
    return download(request, case, actor, _file(case, actor, pk), where)


def download(request, case, actor, attachment, where):
    """Always a download, never a page: `attachment`, nosniff, and a type from the safe list (or
    application/octet-stream) taken from the file's bytes, not from what the uploader said. The caller
    has checked that this viewer may have the file (`selectors.attachments_for`)."""
    _logged(request, case, actor, where)
    response = FileResponse(attachment.file.storage.open(attachment.file.name, "rb"), as_attachment=True,
                            filename=attachment.name, content_type=served_type(attachment))
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _preview(request, case, actor, pk, where):
    """An image shown inline: only ever a copy re-encoded from its pixels, never the uploaded bytes."""
    attachment = _file(case, actor, pk)
    encoded = preview(attachment)
    if encoded is None:
        raise Http404
    _logged(request, case, actor, where)
    content, ctype = encoded
    response = HttpResponse(content, content_type=ctype)
    response["Content-Disposition"] = "inline"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def public_file(request, ticket, pk):
    return _download(request, _public_case(request, ticket), _consumer(request), pk, "public_file")


def public_preview(request, ticket, pk):
    return _preview(request, _public_case(request, ticket), _consumer(request), pk, "public_preview")


@login_required
def desk_file(request, ticket, pk):
    actor = _staff(request)
    return _download(request, visible_or_404(ticket, actor), actor, pk, "desk_file")


@login_required
def desk_preview(request, ticket, pk):
    actor = _staff(request)
    return _preview(request, visible_or_404(ticket, actor), actor, pk, "desk_preview")


@login_required
def business_file(request, ticket, pk):
    actor = _business(request)
    return _download(request, visible_or_404(ticket, actor), actor, pk, "business_file")


@login_required
def business_preview(request, ticket, pk):
    actor = _business(request)
    return _preview(request, visible_or_404(ticket, actor), actor, pk, "business_preview")
