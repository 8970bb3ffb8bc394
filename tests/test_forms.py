"""The public forms through Django's test client: Art. 9 enforced on the public complaint form, no
promise of tracking that cannot be kept, every input kept after an error, a signed-in consumer's
details filled in, the console's saved ticket a link."""
import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from ombud.accounts.models import Profile
from ombud.cases.models import Case

from .conftest import ON_AN_R2026_DAY, complaint, make_api
from .workflow_helpers import USCC, odr_business

pytestmark = pytest.mark.django_db

ART9 = ("complainant_name", "complainant_phone", "complainant_address", "respondent_address", "request", "facts")

COMPLAINT_FORM = {
    "respondent_name": "上海浦东鸿运家电销售有限公司", "respondent_uscc": USCC, "respondent_address": "上海市浦东新区张江路100号",
    "category": "household_electronics", "issue_type": "quality", "request": "退货退款", "facts": "冰箱不制冷",
    "complainant_name": "张三", "complainant_phone": "13800138000", "complainant_address": "上海市徐汇区漕溪北路1号",
}
REPORT_FORM = {"respondent_name": "某无照小店", "conduct_address": "上海市浦东新区张江路1号",
               "violation_type": "unlicensed", "facts": "无照经营"}


def _client(username, role, authority=None, language="zh-hans", **names):
    from ombud.regions.models import Authority

    user = get_user_model().objects.create_user(username, f"{username}@example.com", "pw", **names)
    Profile.objects.create(user=user, role=role, language=language,
                           authority=Authority.objects.get(code=authority) if authority else None)
    client = Client()
    client.force_login(user)
    return client


def _invalid(html, name):
    """True when the form marks the field `name` invalid (aria-invalid on its control)."""
    tag = re.search(rf'<(?:input|textarea|select)[^>]*\bname="{name}"[^>]*>', html)
    return bool(tag) and 'aria-invalid="true"' in tag.group(0)


def test_public_complaint_form_refuses_missing_art9_fields_and_names_each_one():
    r = Client(headers={"accept-language": "en"}).post("/complaint/", {"respondent_name": "某店"})
    assert r.status_code == 422 and Case.objects.count() == 0
    html = r.content.decode()
    for name in ART9:
        assert _invalid(html, name), name
        assert f'href="#f-{name}"' in html, name  # the summary at the top links to each field at fault
    for label in ("Your name", "Phone", "Your address", "Address of the business or shop", "What happened"):
        assert label in html
    assert not _invalid(html, "respondent_name") and 'value="某店"' in html  # what was typed is kept


def test_the_chinese_page_names_the_missing_fields_in_chinese():
    html = Client().post("/complaint/", {"respondent_name": "某店"}).content.decode()
    assert "您的姓名" in html and "Required" not in html


def test_a_uscc_stands_in_for_the_business_address_and_a_full_form_is_accepted():
    r = Client().post("/complaint/", {**COMPLAINT_FORM, "respondent_address": ""})
    assert r.status_code == 302
    case = Case.objects.get()
    assert case.incomplete is False and case.missing_fields == []


def test_staff_and_integrators_still_get_incomplete_complaints_kept_and_flagged():
    r = make_api("integrator").post("/cases", complaint(facts="", complainant={"name": "李四"}))
    assert r.status_code == 201 and r.json()["incomplete"] is True


def test_without_scripts_a_bad_email_is_named_and_everything_typed_is_kept():
    bad = {**COMPLAINT_FORM, "complainant_email": "not-an-email", "consent_disclosure": "no"}
    r = Client().post("/complaint/", bad)
    assert r.status_code == 422 and Case.objects.count() == 0
    html = r.content.decode()
    assert _invalid(html, "complainant_email") and 'href="#f-complainant_email"' in html
    assert not _invalid(html, "complainant_phone")
    for value in ("张三", "13800138000", "上海市徐汇区漕溪北路1号", "not-an-email", "退货退款", "冰箱不制冷"):
        assert value in html, value
    assert re.search(r'name="consent_disclosure" value="no" checked', html)
    assert re.search(r'<option value="household_electronics" selected', html)


def test_art9_panel_reflects_the_current_values_even_when_another_field_is_invalid():
    partial = {**COMPLAINT_FORM, "complainant_phone": "abc", "facts": ""}
    html = Client().post("/complaint/check", partial).content.decode()
    assert 'data-missing="facts"' in html and 'data-missing="complainant_phone"' not in html
    empty = Client().post("/complaint/check", {"respondent_name": "某店", "complainant_phone": "abc"}).content.decode()
    assert 'data-missing="complainant_name"' in empty and 'data-missing="request"' in empty


def test_the_refused_form_shows_the_art9_panel_without_scripts():
    html = Client().post("/complaint/", {**COMPLAINT_FORM, "facts": ""}).content.decode()
    panel = html.split('id="art9"', 1)[1].split("</div>", 2)
    assert 'data-missing="facts"' in "".join(panel)


def test_anonymous_report_without_contact_does_not_promise_tracking():
    client = Client(headers={"accept-language": "en"})
    r = client.post("/report/", {**REPORT_FORM, "anonymous": "on", "complainant_phone": "13800138000"})
    assert r.status_code == 302
    case = Case.objects.get()
    assert case.anonymous and case.complainant_phone == ""
    html = client.get(r["Location"]).content.decode()
    assert case.ticket in html
    assert "to follow your case" not in html and "cannot be followed" in html


def test_a_complaint_with_a_phone_is_promised_tracking():
    client = Client(headers={"accept-language": "en"})
    r = client.post("/complaint/", COMPLAINT_FORM)
    html = client.get(r["Location"]).content.decode()
    assert "cannot be followed" not in html and "to follow your case" in html


def test_a_real_name_report_needs_a_name_and_phone():
    r = Client().post("/report/", REPORT_FORM)
    assert r.status_code == 422 and Case.objects.count() == 0
    html = r.content.decode()
    assert _invalid(html, "complainant_name") and _invalid(html, "complainant_phone")
    assert "无照经营" in html
    r = Client().post("/report/", {**REPORT_FORM, "facts": "", "anonymous": "on"})
    assert r.status_code == 422 and _invalid(r.content.decode(), "facts")


@ON_AN_R2026_DAY
def test_mediation_form_keeps_every_input_after_an_error():
    odr_business()
    body = complaint(respondent={"name": "上海浦东鸿运家电销售有限公司", "uscc": USCC, "address": "上海市浦东新区张江路100号"})
    ticket = make_api("integrator").post("/cases", body).json()["ticket"]
    handler = _client("handler", "handler", "310115")
    assert handler.post(f"/desk/case/{ticket}/act/accept/", {"notes": "符合受理条件"}).status_code == 302
    r = handler.post(f"/desk/case/{ticket}/act/start_mediation/", {
        "consent_complainant": "yes", "consent_respondent": "no", "mode": "in_person", "mediator": "李调解",
        "scheduled_at": "2026-11-20T09:30", "place": "浦东新区市场监管局调解室", "bring": "购物小票",
        "delegated_to": "浦东新区消费者权益保护委员会"})
    assert r.status_code == 422
    html = r.content.decode()
    assert re.search(r'name="consent_complainant" value="yes" checked', html)
    assert re.search(r'name="consent_respondent" value="no" checked', html)
    assert re.search(r'<option value="in_person" selected', html)
    for typed in ('value="李调解"', 'value="2026-11-20T09:30"', 'value="浦东新区市场监管局调解室"', "购物小票",
                  'value="浦东新区消费者权益保护委员会"'):
        assert typed in html, typed


@ON_AN_R2026_DAY
def test_refusal_form_keeps_the_chosen_ground_after_an_error():
    ticket = make_api("integrator").post("/cases", complaint()).json()["ticket"]
    handler = _client("handler", "handler", "310115")
    r = handler.post(f"/desk/case/{ticket}/act/refuse/", {"ground": "99", "reason": "重复投诉"})
    assert r.status_code == 422
    html = r.content.decode()
    assert "重复投诉" in html


def test_signed_in_consumer_gets_their_details_filled_in():
    me = _client("me", "consumer", language="en")
    Profile.objects.filter(user__username="me").update(phone="13900139000")
    html = me.get("/complaint/").content.decode()
    assert 'value="13900139000"' in html and 'value="me@example.com"' in html
    r = me.post("/complaint/", {**COMPLAINT_FORM, "complainant_name": "王小明", "complainant_address": "上海市黄浦区南京东路1号"})
    assert r.status_code == 302
    for page in ("/complaint/", "/report/"):
        html = me.get(page).content.decode()
        for value in ("王小明", "13900139000", "上海市黄浦区南京东路1号"):
            assert f'value="{value}"' in html, (page, value)
    assert 'value="王小明"' not in Client().get("/complaint/").content.decode()  # never for anyone else


def test_consumer_account_name_is_used_when_there_is_no_earlier_case():
    me = _client("me", "consumer", first_name="Ming", last_name="Wang")
    assert 'value="Ming Wang"' in me.get("/complaint/").content.decode()


def test_console_links_the_saved_ticket_to_its_case():
    operator = _client("op", "operator", "310115")
    r = operator.post("/desk/console/", {"kind": "complaint", **COMPLAINT_FORM}, follow=True)
    ticket = Case.objects.get().ticket
    assert f'<a href="/desk/case/{ticket}/">{ticket}</a>' in r.content.decode()
    assert operator.get(f"/desk/case/{ticket}/").status_code == 200


def test_console_keeps_the_selects_after_an_error():
    operator = _client("op", "operator", "310115")
    r = operator.post("/desk/console/", {"kind": "complaint", **COMPLAINT_FORM, "complainant_phone": "abc"})
    assert r.status_code == 422
    assert re.search(r'<option value="household_electronics" selected', r.content.decode())
