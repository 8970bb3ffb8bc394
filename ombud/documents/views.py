"""A document by its signed link: the page prints from the browser, the .pdf downloads."""
import logging

from django.core import signing
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.urls import reverse

from . import selectors
from .pdf import FontMissing
from .services import pdf_of

log = logging.getLogger(__name__)


def _document(request, token):
    """The document of a valid, unexpired link. A signed-in viewer must also have the right to the case:
    the link is a bearer credential for someone who is not signed in (it reaches them by e-mail), but a
    handler of another authority or another business does not gain a case by holding its link."""
    try:
        document = selectors.by_token(token)
    except (signing.BadSignature, selectors.Document.DoesNotExist):
        raise Http404("no such document") from None
    if request.user.is_authenticated:
        from ombud.cases.selectors import get_case
        from ombud.core.auth import actor_of_user
        from ombud.core.errors import DomainError

        try:
            get_case(ticket=document.case.ticket, actor=actor_of_user(request.user))
        except DomainError:
            raise Http404("no such document") from None
    return document


def page(request, token):
    document = _document(request, token)
    return render(request, "documents/document.html", {"c": document.content, "pdf_url": f"{request.path}pdf"})


def pdf(request, token):
    document = _document(request, token)
    try:
        stored = pdf_of(document)
    except FontMissing as exc:
        # The server lacks a CJK font: say so (and that the printable page works) instead of a bare 500.
        log.error("PDF of %s not made: %s", document.number, exc)
        return render(request, "documents/pdf_unavailable.html",
                      {"c": document.content, "page_url": reverse("document", args=[token])}, status=503)
    return FileResponse(stored.open("rb"), content_type="application/pdf",
                        filename=f"{document.number}.pdf", as_attachment=False)
