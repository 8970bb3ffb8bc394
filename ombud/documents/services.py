"""Issue official documents: number them per authority and year, fill them, keep them with the event."""
import re

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from ombud.rules.citations import zh_date

from .forms import FORMS
from .models import Document, DocumentCounter

_SUFFIXES = re.compile(r"(市场监督管理局|市场监管局)$")
_PLACE = re.compile(r"(特别行政区|维吾尔自治区|壮族自治区|回族自治区|自治区|自治州|自治县|新区|地区|省|市|区|县|旗|盟)$")


def abbreviation(authority):
    """浦东 for 上海市浦东新区市场监督管理局: the lowest place name without its suffix."""
    place = _SUFFIXES.sub("", authority.region.name if authority.region_id else authority.name)
    short = _PLACE.sub("", place)
    return short or place


def next_number(authority, year):
    """The next number of the authority's yearly sequence; the row lock orders concurrent issuers."""
    with transaction.atomic():
        counter, _ = DocumentCounter.objects.get_or_create(authority=authority, year=year)
        DocumentCounter.objects.filter(pk=counter.pk).update(last=F("last") + 1)
        return DocumentCounter.objects.values_list("last", flat=True).get(pk=counter.pk)


def issue(*, case, form, data, event=None, at=None, authority=None):
    """Fill `form` from the case and `data`, number it, and save it against `event`."""
    at = at or timezone.now()
    authority = authority or case.authority
    title, prefix, build = FORMS[form]
    year = timezone.localtime(at).year
    sequence = next_number(authority, year)
    number = f"{abbreviation(authority)}市监{prefix}〔{year}〕第{sequence}号"
    content = {"title": title, "number": number, "issuer": authority.name, "date": zh_date(timezone.localtime(at)),
               "ticket": case.ticket, **build(case, data)}
    return Document.objects.create(case=case, event=event, form=form, title=title, authority=authority, year=year,
                                   sequence=sequence, number=number, content=content, issued_at=at)


def registration_form(*, case):
    """The case's registration form, issued the first time someone asks for it."""
    from ombud.cases.models import CaseEvent

    form = "registration_report" if case.kind == "report" else "registration_complaint"
    existing = Document.objects.filter(case=case, form=form).first()
    if existing:
        return existing
    received = CaseEvent.objects.filter(case=case, action="received").first()
    return issue(case=case, form=form, data={}, event=received, authority=case.intake_authority or case.authority)


def pdf_of(document):
    """The document's PDF, rendered once and kept."""
    if not document.pdf:
        from .pdf import render_pdf

        document.pdf.save(f"{document.case.ticket}-{document.pk}.pdf", ContentFile(render_pdf(document.content)),
                          save=True)
    return document.pdf
