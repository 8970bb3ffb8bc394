from django.conf import settings
from django.core import signing
from django.urls import reverse

from .models import Document

_SALT = "ombud.documents"


def token(document):
    return signing.dumps(document.pk, salt=_SALT, compress=True)


def by_token(value):
    return Document.objects.select_related("case").get(pk=signing.loads(value, salt=_SALT))


def url(document, absolute=False):
    path = reverse("document", args=[token(document)])
    return settings.OMBUD_PUBLIC_URL + path if absolute else path


def view(document):
    link = url(document)
    return {"form": document.form, "title": document.title, "number": document.number,
            "issued_at": document.issued_at, "url": link, "pdf_url": link + "pdf"}
