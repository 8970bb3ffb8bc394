"""Official documents: filled from the case, numbered per authority and year, printable and as PDF."""
import io
import re

import pytest
from django.test import Client
from pypdf import PdfReader

from ombud.documents.models import Document

from .conftest import ON_AN_R2026_DAY, complaint, make_api

pytestmark = [pytest.mark.django_db, ON_AN_R2026_DAY]


def _text(response):
    data = b"".join(response.streaming_content) if response.streaming else response.content
    assert data[:5] == b"%PDF-"
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def _walked():
    """Two complaints at one authority: one refused; one accepted, mediated, agreed; one terminated."""
    filer, h = make_api("integrator"), make_api("handler", "310115")
    t = [filer.post("/cases", complaint()).json()["ticket"] for _ in range(3)]
    h.post(f"/cases/{t[0]}/actions/refuse", {"ground": 4, "reason": "超过三年"})
    h.post(f"/cases/{t[1]}/actions/accept", {})
    mediation = {"consent_complainant": True, "consent_respondent": True, "mode": "in_person", "mediator": "李调解",
                 "place": "浦东新区市场监管局调解室"}
    h.post(f"/cases/{t[1]}/actions/start_mediation", mediation)
    h.post(f"/cases/{t[1]}/actions/agree", {"amount_recovered": "2999", "document": "signed", "terms": "退款"})
    h.post(f"/cases/{t[2]}/actions/accept", {})
    h.post(f"/cases/{t[2]}/actions/terminate", {"ground": 2, "reason": "被投诉人拒绝调解"})
    return t


def test_walked_documents_are_pdfs_with_extractable_chinese_and_consecutive_numbers():
    _walked()
    docs = list(Document.objects.order_by("sequence"))
    assert [d.form for d in docs] == ["refusal", "acceptance", "mediation_notice", "agreement", "acceptance",
                                      "termination"]
    numbers = [int(re.search(r"第(\d+)号", d.number).group(1)) for d in docs]
    assert numbers == list(range(numbers[0], numbers[0] + len(docs)))  # one sequence, no gaps
    assert docs[0].number.startswith("浦东市监不受〔2026〕第")
    client = Client()
    from ombud.documents.selectors import url

    for doc in docs:
        text = _text(client.get(url(doc) + "pdf"))
        assert doc.title in text and doc.number in text
    refusal = _text(client.get(url(docs[0]) + "pdf"))
    assert "《市场监督管理投诉举报处理办法》第十六条第（四）项" in refusal.replace("\n", "") and "消费者权益保护法" in refusal and "■" in refusal
    agreement = _text(client.get(url(docs[3]) + "pdf"))
    assert "2999" in agreement and "调解人员（签名）" in agreement


def test_document_prints_from_the_browser_and_links_are_signed():
    _walked()
    doc = Document.objects.get(form="termination")
    from ombud.documents.selectors import url

    page = Client().get(url(doc))
    assert page.status_code == 200
    html = page.content.decode()
    assert "投诉终止调解决定书" in html and "data-print" in html and "document.css" in html
    assert "script-src 'self'" in page["Content-Security-Policy"]
    assert Client().get("/d/forged-token/").status_code == 404


def test_each_document_hangs_on_the_event_that_produced_it():
    t = _walked()
    data = make_api("handler", "310115").get(f"/cases/{t[2]}").json()
    doc = Document.objects.get(form="termination")
    assert doc.event.action == "mediation_terminated" and doc.event.case.ticket == t[2]
    assert [d["form"] for d in data["documents"]] == ["acceptance", "termination"]


def test_registration_form_is_issued_on_demand_once():
    from ombud.cases.models import Case
    from ombud.documents.services import registration_form

    t = make_api("integrator").post("/cases", complaint(consent_disclosure=True)).json()["ticket"]
    case = Case.objects.get(ticket=t)
    first = registration_form(case=case)
    assert registration_form(case=case).pk == first.pk
    fields = dict(first.content["fields"])
    assert fields["是否同意公示投诉信息"] == "是" and fields["是否同意委托调解"] == "未说明"
    assert first.event.action == "received"


def test_registration_form_through_the_api():
    filer = make_api("integrator")
    t = filer.post("/cases", complaint()).json()["ticket"]
    assert filer.post(f"/cases/{t}/documents/registration", {}).status_code == 403  # sees the case, is not staff
    assert make_api("integrator").post(f"/cases/{t}/documents/registration", {}).status_code == 404
    handler = make_api("handler", "310115")
    first = handler.post(f"/cases/{t}/documents/registration", {}).json()
    again = handler.post(f"/cases/{t}/documents/registration", {}).json()
    assert first["form"] == "registration_complaint" and first["number"] == again["number"]
    assert "投登" in first["number"]
    text = _text(Client().get(first["pdf_url"]))
    assert "投诉登记表" in text and "是否同意委托调解" in text
