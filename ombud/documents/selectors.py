from django.conf import settings
from django.core import signing
from django.urls import reverse

from .models import Document

_SALT = "ombud.documents"


def token(document):
    """A signed, timestamped link token: it opens the document for OMBUD_DOCUMENT_LINK_DAYS days."""
    return signing.dumps(document.pk, salt=_SALT, compress=True)


def by_token(value):
    """The document of a token; signing.BadSignature (SignatureExpired included) when forged or too old."""
    age = settings.OMBUD_DOCUMENT_LINK_DAYS * 86400
    return Document.objects.select_related("case").get(pk=signing.loads(value, salt=_SALT, max_age=age))


def url(document, absolute=False):
    path = reverse("document", args=[token(document)])
    return settings.OMBUD_PUBLIC_URL + path if absolute else path


def view(document):
    link = url(document)
    return {"form": document.form, "title": document.title, "number": document.number,
            "issued_at": document.issued_at, "url": link, "pdf_url": link + "pdf"}
