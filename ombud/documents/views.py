"""A document by its signed link: the page prints from the browser, the .pdf downloads."""
from django.core import signing
from django.http import FileResponse, Http404
from django.shortcuts import render

from . import selectors
from .services import pdf_of


def _document(token):
    try:
        return selectors.by_token(token)
    except (signing.BadSignature, selectors.Document.DoesNotExist):
        raise Http404("no such document")


def page(request, token):
    document = _document(token)
    return render(request, "documents/document.html", {"c": document.content, "pdf_url": f"{request.path}pdf"})


def pdf(request, token):
    document = _document(token)
    return FileResponse(pdf_of(document).open("rb"), content_type="application/pdf",
                        filename=f"{document.number}.pdf", as_attachment=False)
