"""What the respondent may see of the person who filed (one table, the form's promise, the pages and the
API agree), the business's own pages, and the site's error pages (issue 8)."""
import json

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import include, path
from django.utils import translation

from ombud.cases import disclosure_to_parties as disclosure
from ombud.cases.models import Case, Status

from .conftest import ON_AN_R2026_DAY, complaint, make_api
from .workflow_helpers import USCC, odr_business, signed_in

pytestmark = [pytest.mark.django_db, ON_AN_R2026_DAY]

PHONE, ADDRESS, EMAIL = "13800138000", "上海市徐汇区漕溪北路1号", "zhangsan@example.com"
FORM = {
    "respondent_name": "上海浦东鸿运家电销售有限公司", "respondent_uscc": USCC, "respondent_address": "上海市浦东新区张江路100号",
    "category": "household_electronics", "issue_type": "quality", "request": "退货退款", "facts": "冰箱不制冷",
    "complainant_name": "张伟", "complainant_phone": PHONE, "complainant_address": ADDRESS,
    "complainant_email": EMAIL, "order_number": "JX20261101001", "consent_disclosure": "yes", "odr": "on",
}


def _user(username, role, *, authority=None, business=None, language="zh-hans"):
    return signed_in(username, role, authority=authority, business=business, language=language)[0]


@pytest.fixture
def world(db):
    business = odr_business()
    consumer = Client()  # files from the public form; the ticket is remembered in its session
    r = consumer.post("/complaint/", FORM)
    assert r.status_code == 302, r.content.decode()[:2000]
    ticket = r["Location"].split("/")[2]
    assert Case.objects.get(ticket=ticket).status == Status.ODR
    return {"business": business, "ticket": ticket, "consumer": consumer,
            "firm": _user("firm", "business", business=business), "firm_api": make_api("business", business=USCC),
            "handler": _user("handler", "handler", authority="310115")}


# ---- what the respondent sees ---------------------------------------------------------------

def test_the_business_page_keeps_the_promise_the_form_made(world):
    form = Client().get("/complaint/").content.decode()
    assert "用于查询案件，不会向经营者展示。" in form  # step 3: the phone is never shown to the business
    html = world["firm"].get(f"/business/case/{world['ticket']}/").content.decode()
    assert "张伟" in html and "JX20261101001" in html  # enough to find the sale
    assert PHONE not in html and "漕溪北路" not in html and EMAIL not in html
    with translation.override("zh-hans"):
        promises = {f: str(p) for f, p in disclosure.promises("complaint").items()}
    for field, value in (("phone", PHONE), ("address", "漕溪北路"), ("email", EMAIL)):
        assert promises[field] in form
        assert (value in html) == disclosure.shows("complaint", field, disclosure.RESPONDENT)
    desk = world["handler"].get(f"/desk/case/{world['ticket']}/").content.decode()
    assert PHONE in desk and "漕溪北路" in desk  # the bureau still sees everything


def test_the_form_and_the_pages_read_the_same_table(world, monkeypatch):
    """Widen the table for the phone: the form's promise and the business page change together."""
    wider = {**disclosure.SEES["complaint"], "phone": frozenset({disclosure.STAFF, disclosure.RESPONDENT})}
    monkeypatch.setitem(disclosure.SEES, "complaint", wider)
    form = Client().get("/complaint/").content.decode()
    assert "用于查询案件，不会向经营者展示。" not in form and "处理您投诉的经营者也能看到。" in form
    assert world["firm_api"].get(f"/cases/{world['ticket']}").json()["complainant"]["phone"] == PHONE


def test_the_business_api_never_returns_contact_details(world):
    ticket = world["ticket"]
    staff = make_api("handler", "310115")
    assert staff.post(f"/cases/{ticket}/documents/registration", {}).status_code == 200  # holds phone and address
    assert staff.get(f"/cases/{ticket}").json()["complainant"]["phone"] == PHONE
    r = world["firm_api"].get(f"/cases/{ticket}")
    assert r.status_code == 200
    data = r.json()
    assert data["complainant"] == {"name": "张伟"}
    assert data["agent"] is None and data["joint_complainants"] == []
    assert [d["form"] for d in data["documents"]] == []  # the registration form is the bureau's, not the business's
    raw = json.dumps(data, ensure_ascii=False)
    assert PHONE not in raw and "漕溪北路" not in raw and EMAIL not in raw
    listed = world["firm_api"].get("/cases").json()["items"]
    assert [c["ticket"] for c in listed] == [ticket] and PHONE not in json.dumps(listed, ensure_ascii=False)


def test_the_business_api_does_not_name_the_consumers_account(world):
    from .workflow_helpers import consumer

    me = consumer(username="13700137000", email="me@example.com")  # people sign up with their phone number
    body = complaint(respondent={"name": "上海浦东鸿运家电销售有限公司", "uscc": USCC, "address": "上海市浦东新区张江路100号"})
    ticket = me.post("/cases", body).json()["ticket"]
    assert me.post(f"/cases/{ticket}/actions/odr_opt_in", {}).status_code == 200
    events = world["firm_api"].get(f"/cases/{ticket}").json()["events"]
    assert {e["actor"] for e in events if e["action"] in ("received", "odr_forwarded")} == {"complainant"}
    assert "13700137000" not in json.dumps(events)


def test_a_reporter_never_reaches_the_business(world):
    body = complaint(respondent={"name": "上海浦东鸿运家电销售有限公司", "uscc": USCC, "address": "上海市浦东新区张江路100号"},
                     complainant={"name": "李四", "phone": "13911112222", "address": "上海市浦东新区世纪大道1号"},
                     report={"facts": "该店销售无3C认证的电器", "violation_type": "product_quality"})
    filed = make_api("integrator").post("/cases", body).json()
    complaint_ticket, report_ticket = filed["ticket"], filed["linked_ticket"]
    alone = complaint(kind="report", respondent=body["respondent"], facts="无照经营", violation_type="unlicensed",
                      complainant={"name": "王五", "phone": "13922223333", "address": "上海市浦东新区张江路1号"})
    lone_report = make_api("integrator").post("/cases", alone).json()["ticket"]
    firm, api = world["firm"], world["firm_api"]

    for ticket in (report_ticket, lone_report):
        assert firm.get(f"/business/case/{ticket}/").status_code == 404
        assert api.get(f"/cases/{ticket}").status_code == 404
    listing = firm.get("/business/").content.decode() + json.dumps(api.get("/cases").json(), ensure_ascii=False)
    assert report_ticket not in listing and lone_report not in listing and "王五" not in listing
    # The complaint it came with does not betray that a report exists.
    data = api.get(f"/cases/{complaint_ticket}").json()
    assert data["linked_ticket"] is None and "split" not in [e["action"] for e in data["events"]]
    assert report_ticket not in json.dumps(data, ensure_ascii=False)
    page = firm.get(f"/business/case/{complaint_ticket}/").content.decode()
    assert report_ticket not in page and "13911112222" not in page
    with translation.override("zh-hans"):
        from ombud.cases.plain import EVENTS

        assert str(EVENTS["split"]) not in page


# ---- the business's own pages ---------------------------------------------------------------

def test_the_business_list_shows_a_subject_and_the_state(world):
    html = world["firm"].get("/business/").content.decode()
    with translation.override("zh-hans"):
        state = str(Status.ODR.label)
    from ombud.taxonomy.models import Term

    category = Term.objects.get(scheme="category", code="household_electronics").name_zh
    assert world["ticket"] in html and "退货退款" in html and category in html and state in html
    assert "事由" in html  # the column is labelled


def test_the_negotiation_the_business_recorded_is_shown_to_both_sides_and_the_bureau(world):
    ticket = world["ticket"]
    r = world["firm"].post(f"/business/case/{ticket}/act/odr_record/",
                           {"at": "2026-11-16T09:30", "method": "phone", "process": "电话沟通，愿意换新机",
                            "outcome": "消费者考虑后答复"})
    assert r.status_code == 302, r.content.decode()[:2000]
    for page in (world["firm"].get(f"/business/case/{ticket}/"), world["consumer"].get(f"/case/{ticket}/"),
                 world["handler"].get(f"/desk/case/{ticket}/")):
        html = page.content.decode()
        assert "电话沟通，愿意换新机" in html and "消费者考虑后答复" in html and "经营者记录的协商情况" in html


# ---- error pages ----------------------------------------------------------------------------

def _layout(html):
    return 'class="top"' in html and "/static/ombud/ombud.css" in html and 'href="/"' in html


def test_not_found_is_the_sites_own_page_in_chinese(world):
    for r in (world["firm"].get("/business/case/NOPE/"), Client().get("/no/such/page/"),
              world["handler"].get(f"/business/case/{world['ticket']}/")):
        html = r.content.decode()
        assert r.status_code == 404 and "页面不存在" in html and "Not Found" not in html and _layout(html)
    english = Client(headers={"accept-language": "en"}).get("/no/such/page/").content.decode()
    assert "Page not found" in english and _layout(english)


def test_forbidden_is_the_sites_own_page_in_chinese(world):
    r = Client(enforce_csrf_checks=True).post("/complaint/", FORM)  # a stale form: CSRF refuses it
    html = r.content.decode()
    assert r.status_code == 403 and "表单已过期" in html
    assert "Forbidden" not in html and "CSRF verification failed" not in html
    assert _layout(html)
    from django.core.exceptions import PermissionDenied
    from django.test import RequestFactory
    from django.views.defaults import permission_denied

    request = RequestFactory().get("/")
    request.user = get_user_model()()
    with translation.override("zh-hans"):
        html = permission_denied(request, PermissionDenied()).content.decode()
    assert "无权操作" in html and "403 Forbidden" not in html and _layout(html)


def test_bad_request_is_the_sites_own_page(db):
    r = Client(HTTP_HOST="evil.example").get("/")
    html = r.content.decode()
    assert r.status_code == 400 and "无法处理该请求" in html and "Bad Request" not in html and _layout(html)


def _boom(request):
    raise RuntimeError("boom")


urlpatterns = [path("boom/", _boom), path("", include("ombud.urls"))]
handler500 = "ombud.core.views.server_error"


def test_server_error_is_the_sites_own_page_without_the_database(db, settings, monkeypatch):
    settings.ROOT_URLCONF = __name__
    client = Client(raise_request_exception=False)
    r = client.get("/boom/")
    html = r.content.decode()
    assert r.status_code == 500 and "出错了" in html and "Server Error" not in html and _layout(html)
    assert "Something went wrong" in Client(raise_request_exception=False,
                                             headers={"accept-language": "en"}).get("/boom/").content.decode()

    def broken(*args, **kwargs):
        raise RuntimeError("the template cannot be rendered either")

    monkeypatch.setattr("ombud.core.views.loader.render_to_string", broken)
    r = client.get("/boom/")
    assert r.status_code == 500 and "出错了" in r.content.decode()
