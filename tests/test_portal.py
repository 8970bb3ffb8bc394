"""The web portals through Django's test client: every role's pages, scope, forms, security headers."""
import pytest
from django.test import Client

from ombud.accounts.models import Profile
from ombud.cases.models import Case, PersonalDataView

from .conftest import ON_AN_R2026_DAY, complaint, make_api
from .workflow_helpers import USCC, odr_business, signed_in

pytestmark = pytest.mark.django_db


def _user(username, role, authority=None, business=None, language="zh-hans"):
    return signed_in(username, role, authority=authority, business=business, language=language)[0]


@pytest.fixture
def people(db):
    business = odr_business()
    return {
        "handler": _user("handler", "handler", "310115"), "xuhui": _user("xuhui", "handler", "310104"),
        "supervisor": _user("sup", "supervisor", "310000"), "operator": _user("op", "operator", "310115"),
        "firm": _user("firm", "business", business=business), "consumer": _user("me", "consumer", language="en"),
        "other_consumer": _user("you", "consumer"), "business": business,
    }


def _filed():
    body = complaint(respondent={"name": "上海浦东鸿运家电销售有限公司", "uscc": USCC, "address": "上海市浦东新区张江路100号"})
    return make_api("integrator").post("/cases", body).json()["ticket"]


COMPLAINT_FORM = {
    "respondent_name": "上海浦东鸿运家电销售有限公司", "respondent_uscc": USCC, "respondent_address": "上海市浦东新区张江路100号",
    "category": "household_electronics", "issue_type": "quality", "request": "退货退款", "facts": "冰箱不制冷",
    "complainant_name": "张三", "complainant_phone": "13800138000", "complainant_address": "上海市徐汇区漕溪北路1号",
    "consent_disclosure": "yes", "odr": "on",
}


def test_public_complaint_with_odr_then_tracking_by_ticket_and_phone(people):
    client = Client()
    r = client.post("/complaint/", COMPLAINT_FORM)
    assert r.status_code == 302 and r["Location"].startswith("/case/")
    ticket = r["Location"].split("/")[2]
    case = Case.objects.get(ticket=ticket)
    assert case.status == "odr" and case.consent_disclosure is True and case.channel == "web"
    page = client.get(r["Location"])
    assert page.status_code == 200 and ticket in page.content.decode()
    stranger = Client()
    assert stranger.get(f"/case/{ticket}/").status_code == 404  # not tracked from this browser
    assert stranger.post("/track/", {"ticket": ticket, "phone": "13900000000"}).status_code == 404
    r = stranger.post("/track/", {"ticket": ticket, "phone": "138 0013 8000"})
    assert r.status_code == 302 and stranger.get(f"/case/{ticket}/").status_code == 200


def test_bad_complaint_form_names_the_field_and_keeps_the_input(people):
    r = Client().post("/complaint/", {**COMPLAINT_FORM, "complainant_phone": "abc", "amount": "-5"})
    assert r.status_code == 422
    html = r.content.decode()
    assert 'aria-invalid="true"' in html and "退货退款" in html and Case.objects.count() == 0


def test_art9_check_lists_what_is_missing(people):
    r = Client().post("/complaint/check", {"respondent_name": "某店"})
    html = r.content.decode()
    assert 'data-missing="complainant_name"' in html and 'data-missing="facts"' in html
    full = Client().post("/complaint/check", COMPLAINT_FORM).content.decode()
    assert "data-missing" not in full


def test_typeahead_finds_the_business_and_its_odr_enrolment(people):
    html = Client().get("/businesses/suggest", {"respondent_name": "鸿运家电"}).content.decode()
    assert "上海浦东鸿运家电销售有限公司" in html and "odr_enrolled_flag\": true" in html


def test_anonymous_report(people):
    r = Client().post("/report/", {"respondent_name": "某无照小店", "conduct_address": "上海市浦东新区张江路1号",
                                   "violation_type": "unlicensed", "facts": "无照经营", "anonymous": "on",
                                   "complainant_name": "should be dropped"})
    assert r.status_code == 302
    case = Case.objects.get(kind="report")
    assert case.anonymous and case.complainant_name == ""


def test_every_role_gets_404_outside_its_scope(people):
    ticket = _filed()  # at 310115 Pudong
    assert people["handler"].get(f"/desk/case/{ticket}/").status_code == 200
    assert people["supervisor"].get(f"/desk/case/{ticket}/").status_code == 200
    assert people["operator"].get(f"/desk/case/{ticket}/").status_code == 200
    assert people["firm"].get(f"/business/case/{ticket}/").status_code == 200
    assert people["xuhui"].get(f"/desk/case/{ticket}/").status_code == 404  # another county
    assert people["consumer"].get(f"/case/{ticket}/").status_code == 404  # not theirs
    assert people["consumer"].get(f"/desk/case/{ticket}/").status_code == 404
    assert people["firm"].get(f"/desk/case/{ticket}/").status_code == 404
    assert people["handler"].get(f"/business/case/{ticket}/").status_code == 404
    assert Client().get(f"/desk/case/{ticket}/").status_code == 302  # to sign in
    assert people["xuhui"].get(f"/desk/case/{ticket}/act/accept/").status_code == 404
    assert people["consumer"].get(f"/case/{ticket}/act/withdraw/").status_code == 404


@ON_AN_R2026_DAY
def test_handler_queue_case_page_and_an_action_form(people):
    ticket = _filed()
    h = people["handler"]
    queue = h.get("/desk/").content.decode()
    assert ticket in queue
    page = h.get(f"/desk/case/{ticket}/").content.decode()
    assert 'data-action="accept"' in page and 'data-action="refuse"' in page and 'data-action="agree"' not in page
    assert PersonalDataView.objects.filter(case__ticket=ticket, user__username="handler").count() == 1
    form = h.get(f"/desk/case/{ticket}/act/refuse/").content.decode()
    assert "R2026" not in form and "(7)" in form  # R2026's seven refusal grounds in the select
    r = h.post(f"/desk/case/{ticket}/act/accept/", {"notes": "符合受理条件"})
    assert r.status_code == 302 and Case.objects.get(ticket=ticket).status == "accepted"
    r = h.post(f"/desk/case/{ticket}/act/start_mediation/", {"consent_complainant": "yes", "consent_respondent": "no",
                                                             "mode": "remote", "mediator": "李"})
    assert r.status_code == 422 and "consent" in r.content.decode()


def test_new_view_and_steps_recorded_on_behalf_of_the_complainant(people):
    ticket = _filed()
    h = people["handler"]
    assert ticket in h.get("/desk/", {"view": "new"}).content.decode()
    h.post(f"/desk/case/{ticket}/act/withdraw/", {"reason": "来电表示已和解"})
    case = Case.objects.get(ticket=ticket)
    assert case.status == "withdrawn"
    withdrawn = case.events.get(action="withdrawn")
    assert withdrawn.data["on_behalf_of"] == "complainant" and withdrawn.actor_label == "handler"
    assert ticket not in h.get("/desk/", {"view": "new"}).content.decode()


def test_bulk_assign_and_transfer_and_saved_views(people):
    tickets = [_filed(), _filed()]
    h = people["handler"]
    _user("colleague", "handler", "310115")
    r = h.post("/desk/bulk", {"tickets": tickets, "op": "assign", "handler": "colleague"})
    assert r.status_code == 302
    assert set(Case.objects.filter(ticket__in=tickets).values_list("handler__username", flat=True)) == {"colleague"}
    h.post("/desk/bulk", {"tickets": tickets[:1], "op": "transfer", "to_authority": "310104", "reason": "在徐汇经营"})
    assert Case.objects.get(ticket=tickets[0]).authority.code == "310104"
    h.post("/desk/views", {"name": "超期", "query": "view=overdue"})
    assert "超期" in h.get("/desk/").content.decode()


def test_supervisor_overview_drills_down(people):
    _filed()
    html = people["supervisor"].get("/desk/overview/").content.decode()
    assert "上海市" in html and "?region=" in html
    assert people["supervisor"].get("/desk/overview/", {"region": "110000"}).status_code == 404  # outside scope
    assert people["supervisor"].get("/desk/overview/", {"region": "310115"}).status_code == 200


def test_business_sees_limited_personal_data_and_answers_publicly(people):
    ticket = _filed()
    firm = people["firm"]
    html = firm.get(f"/business/case/{ticket}/").content.decode()
    assert "张三" in html and "13800138000" not in html and "漕溪北路" not in html  # the name only (the form's promise)
    firm.post(f"/business/case/{ticket}/respond", {"public_response": "已联系消费者，同意退货。"})
    assert Case.objects.get(ticket=ticket).public_response == "已联系消费者，同意退货。"


def test_operator_console_answers_a_consultation_on_the_spot(people):
    r = people["operator"].post("/desk/console/", {"kind": "consultation", "complainant_name": "王五",
                                                   "complainant_phone": "13700137000", "facts": "预付卡怎么退？",
                                                   "answer": "可要求经营者按约定退还余额。"})
    assert r.status_code == 302
    case = Case.objects.get(kind="consultation")
    assert case.status == "closed" and case.channel == "hotline" and case.outcome == "answered"


def test_language_switch_sticks_to_the_user(people):
    me = people["other_consumer"]
    assert "我的案件" in me.get("/my/").content.decode()
    me.post("/language", {"language": "en", "next": "/my/"})
    assert Profile.objects.get(user__username="you").language == "en"
    assert "My cases" in me.get("/my/").content.decode()


def test_security_headers_csrf_and_rate_limits(people, settings):
    page = Client().get("/complaint/")
    assert "default-src 'self'" in page["Content-Security-Policy"] and "unsafe-inline" not in page[
        "Content-Security-Policy"]
    assert 'name="csrfmiddlewaretoken"' in page.content.decode()
    strict = Client(enforce_csrf_checks=True)
    assert strict.post("/complaint/", COMPLAINT_FORM).status_code == 403
    settings.OMBUD_RATE_LIMITS, settings.OMBUD_PUBLIC_FORMS_PER_HOUR = True, 2
    client = Client()
    codes = [client.post("/complaint/", {**COMPLAINT_FORM, "odr": ""}).status_code for _ in range(3)]
    assert codes == [302, 302, 429]
    assert Case.objects.count() == 2


def test_every_static_asset_is_served_by_the_app(people):
    html = Client().get("/").content.decode()
    assert "http://" not in html.replace("http://127.0.0.1", "") and "https://" not in html
    for asset in ("/static/ombud/ombud.css", "/static/ombud/ombud.js", "/static/vendor/htmx-2.0.11.min.js"):
        r = Client().get(asset)
        assert r.status_code == 200, asset
