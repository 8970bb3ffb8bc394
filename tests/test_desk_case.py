"""The handler's case page: what the consumer entered, the files behind a scoped download route,
queue search by ticket (any state) and by phone, and the transfer picker."""
import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from ombud.cases.models import Attachment, Case, PersonalDataView

from .conftest import ON_AN_R2026_DAY, complaint, make_api
from .workflow_helpers import USCC, odr_business, signed_in

pytestmark = [pytest.mark.django_db, ON_AN_R2026_DAY]  # files a purchase on 2026-10-03

PDF = b"%PDF-1.4\n% a receipt\n"


def _user(username, role, authority=None, business=None, language="zh-hans"):
    return signed_in(username, role, authority=authority, business=business, language=language)[0]


@pytest.fixture
def people(db):
    business = odr_business()
    return {"handler": _user("handler", "handler", "310115"), "xuhui": _user("xuhui", "handler", "310104"),
            "firm": _user("firm", "business", business=business), "consumer": _user("me", "consumer"),
            "business": business}


def _filed(phone="13800138000", files=()):
    """A complaint against the ODR business at Pudong (310115), filed through the API with its files."""
    body = complaint(respondent={"name": "上海浦东鸿运家电销售有限公司", "uscc": USCC, "address": "上海市浦东新区张江路100号"},
                     complainant={"name": "张三", "phone": phone, "address": "上海市徐汇区漕溪北路1号"},
                     purchase_date="2026-10-03", consent_disclosure=True, consent_delegated_mediation=False)
    api = make_api("integrator")
    if not files:
        return api.post("/cases", body).json()["ticket"]
    r = api.client.post("/api/v1/cases", {"payload": json.dumps(body, ensure_ascii=False), "attachments": list(files)},
                        headers=api._headers())
    assert r.status_code == 201, r.content
    return r.json()["ticket"]


def _receipt(name="receipt.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def _field(html, name):
    found = re.search(rf'data-field="{name}">(.*?)</dd>', html, re.S)
    assert found, f"no {name} on the page"
    return re.sub(r"<[^>]+>", "", found.group(1)).strip()


def test_the_handler_sees_everything_the_consumer_entered_with_links_to_the_files(people):
    ticket = _filed(files=[_receipt()])
    html = people["handler"].get(f"/desk/case/{ticket}/").content.decode()
    assert _field(html, "category") == "家用电子电器"  # the label, not the code
    assert _field(html, "issue_type") == "质量"
    assert _field(html, "purchase_date") == "2026年10月3日"
    assert _field(html, "order_number") == "JX20261101001"
    assert _field(html, "consent_disclosure") == "是"
    assert _field(html, "consent_delegated_mediation") == "否"
    attachment = Attachment.objects.get(case__ticket=ticket)
    assert f'href="/desk/case/{ticket}/files/{attachment.pk}"' in html and "receipt.pdf" in html


def test_unanswered_consents_say_so(people):
    body = complaint()
    body.pop("order_number")
    ticket = make_api("integrator").post("/cases", body).json()["ticket"]
    html = people["handler"].get(f"/desk/case/{ticket}/").content.decode()
    assert _field(html, "consent_disclosure") == "未作答" and _field(html, "order_number") == "—"


def test_the_download_route_serves_a_file_only_to_those_who_may_see_it(people):
    ticket = _filed(files=[_receipt()])
    other = _filed(files=[_receipt("other.pdf")])
    attachment = Attachment.objects.get(case__ticket=ticket)
    url = f"/desk/case/{ticket}/files/{attachment.pk}"

    r = people["handler"].get(url)
    assert r.status_code == 200 and b"".join(r.streaming_content) == PDF
    assert r["Content-Disposition"].startswith("attachment") and r["X-Content-Type-Options"] == "nosniff"
    assert PersonalDataView.objects.filter(case__ticket=ticket, where="desk_file").count() == 1

    assert people["xuhui"].get(url).status_code == 404  # another county
    assert people["consumer"].get(f"/case/{ticket}/files/{attachment.pk}").status_code == 404  # not theirs
    assert Client().get(f"/case/{ticket}/files/{attachment.pk}").status_code == 404
    # Another case's file through this case's address: still a 404.
    stray = Attachment.objects.get(case__ticket=other)
    assert people["handler"].get(f"/desk/case/{ticket}/files/{stray.pk}").status_code == 404
    # The respondent never gets a private file: what the consumer filed is not addressed to it.
    assert people["firm"].get(f"/business/case/{ticket}/").status_code == 200
    assert people["firm"].get(f"/business/case/{ticket}/files/{attachment.pk}").status_code == 404

    # The complainant, tracking the case from this browser, may have their own file back.
    tracker = Client()
    assert tracker.post("/track/", {"ticket": ticket, "phone": "13800138000"}).status_code == 302
    assert tracker.get(f"/case/{ticket}/files/{attachment.pk}").status_code == 200


def test_a_search_by_ticket_finds_a_closed_case(people):
    ticket = _filed()
    h = people["handler"]
    assert h.post(f"/desk/case/{ticket}/act/withdraw/", {"reason": "已和解"}).status_code == 302
    assert Case.objects.get(ticket=ticket).status == "withdrawn"
    assert ticket not in h.get("/desk/").content.decode()  # the default list is open cases
    for typed in (ticket, f"{ticket[:4]}-{ticket[4:8]}-{ticket[8:]}"):
        assert f"/desk/case/{ticket}/" in h.get("/desk/", {"q": typed}).content.decode(), typed
    # Another county's handler finds nothing by the same ticket.
    assert f"/desk/case/{ticket}/" not in people["xuhui"].get("/desk/", {"q": ticket}).content.decode()


def test_a_word_search_says_that_only_open_cases_were_searched(people):
    ticket = _filed()
    h = people["handler"]
    h.post(f"/desk/case/{ticket}/act/withdraw/", {"reason": "已和解"})
    page = h.get("/desk/", {"q": "冰箱"}).content.decode()
    assert "data-open-only" in page and f"/desk/case/{ticket}/" not in page
    page = h.get("/desk/", {"q": "冰箱", "status": "any"}).content.decode()
    assert "data-open-only" not in page and f"/desk/case/{ticket}/" in page


def test_a_search_by_the_complainants_phone(people):
    mine = _filed(phone="+86 138-0013-8000")
    other = _filed(phone="13900139000")
    h = people["handler"]
    for typed in ("13800138000", "138 0013 8000", "+8613800138000"):
        page = h.get("/desk/", {"q": typed}).content.decode()
        assert f"/desk/case/{mine}/" in page and f"/desk/case/{other}/" not in page, typed
    assert f"/desk/case/{mine}/" not in people["xuhui"].get("/desk/", {"q": "13800138000"}).content.decode()


def test_the_phone_search_is_an_index_lookup(people):
    from django.db import connection

    from ombud.cases import selectors

    qs = selectors.search_by_ticket_or_phone(Case.objects.filter(authority__code="310115"), "138 0013 8000")
    plan = qs.explain()
    if connection.vendor == "sqlite":
        assert "case_phone_digits" in plan, plan
    assert selectors.search_by_ticket_or_phone(Case.objects.all(), "鸿运") is None


def test_the_transfer_picker_suggests_authorities_by_name_and_code(people):
    h = people["handler"]
    html = h.get("/desk/authorities/suggest", {"field": "to_authority", "to_authority": "徐汇"}).content.decode()
    assert "上海市徐汇区市场监督管理局" in html and '"to_authority": "310104"' in html
    html = h.get("/desk/authorities/suggest", {"field": "to_authority", "to_authority": "310104"}).content.decode()
    assert "上海市徐汇区市场监督管理局" in html
    html = h.get("/desk/authorities/suggest", {"field": "to_authority", "to_authority": "没有这个局"}).content.decode()
    assert "data-fill" not in html
    assert h.get("/desk/authorities/suggest", {"field": "handler"}).status_code == 404
    assert people["consumer"].get("/desk/authorities/suggest", {"to_authority": "徐汇"}).status_code == 404

    ticket = _filed()
    form = h.get(f"/desk/case/{ticket}/act/transfer/").content.decode()
    assert 'hx-get="/desk/authorities/suggest?field=to_authority"' in form
    assert 'hx-get="/desk/authorities/suggest?field=to_authority"' in h.get("/desk/").content.decode()
    # What the picker fills in is what the transfer takes.
    r = h.post(f"/desk/case/{ticket}/act/transfer/", {"to_authority": "310104", "reason": "在徐汇经营"})
    assert r.status_code == 302 and Case.objects.get(ticket=ticket).authority.code == "310104"
