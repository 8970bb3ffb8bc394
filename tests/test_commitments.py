"""Commitment registries (ombud.commitments): a business applies with its shops, the authority over them approves,
and the public finds the shops by region, registry, category and name; a revoked pledge leaves the search. A
returns complaint against a pledged business is flagged as a possible breach, which the authority upholds (shown on
the entry, counted against it; enough of them revoke it) or dismisses. Every change is an append-only event citing
the rule version it rested on.
"""
import re

import pytest
from django.contrib.auth import get_user_model
from django.db import DatabaseError, transaction
from django.test import Client

from ombud.accounts.models import Profile
from ombud.cases.models import Case
from ombud.commitments import selectors, services
from ombud.commitments.models import (
    Breach,
    Commitment,
    CommitmentEvent,
    CommitmentRule,
    Rating,
    Shop,
)
from ombud.core.errors import DomainError, Forbidden, InvalidInput
from ombud.intake.services import Actor

from .conftest import complaint, frozen, make_api
from .test_chinese_pages import english_in
from .workflow_helpers import USCC, odr_business, signed_in

pytestmark = [pytest.mark.django_db, frozen(2026, 11, 16, 10)]

APPLICATION = {
    "registry": "returns", "category": "household_electronics", "days": "7",
    "scope": "店内销售的家用电器，商品完好的，七日内无理由退货。", "excluded": "定制商品、已激活的电子产品",
    "shops-0-name": "鸿运家电张江店", "shops-0-address": "上海市浦东新区张江路100号", "shops-0-county": "",
}


def _main(html):
    """What this app renders: the page's <main> (the header's menu belongs to the site)."""
    m = re.search(r"<main\b.*?</main>", html, re.DOTALL)
    return m.group(0) if m else html


@pytest.fixture
def people(db):
    business = odr_business()
    return {
        "business": business,
        "firm": signed_in("qiye", "business", business=business, name="赵磊"),
        "pudong": signed_in("pudong", "handler", authority="310115", name="李明"),
        "xuhui": signed_in("xuhui", "handler", authority="310104", name="王芳"),
        "shanghai": signed_in("hu", "supervisor", authority="310000", name="周强"),
        "operator": signed_in("jiexian", "operator", authority="310115", name="陈静"),
        "en": signed_in("pudong_en", "handler", authority="310115", name="Li", language="en"),
    }


def _actor(user):
    profile = user.profile
    return Actor(role=profile.role, user=user, authority=profile.authority, business=profile.business)


def _apply(people, **overrides):
    client = people["firm"][0]
    r = client.post("/business/commitments/new/", {**APPLICATION, **overrides})
    assert r.status_code == 302, _main(r.content.decode())
    return Commitment.objects.get(pk=int(r["Location"].rstrip("/").split("/")[-1]))


def _approved(people, **overrides):
    commitment = _apply(people, **overrides)
    r = people["pudong"][0].post(f"/desk/commitments/{commitment.pk}/approve", {"text": "材料齐全"})
    assert r.status_code == 302
    commitment.refresh_from_db()
    assert commitment.status == "approved"
    return commitment


def _found(commitment, **params):
    html = Client().get("/commitments/", params).content.decode()
    return f'data-entry="{commitment.pk}"' in html


# ---- applying, approving, finding ---------------------------------------------------------------

def test_an_approved_pledge_is_found_in_its_county_and_province_and_not_elsewhere(people):
    commitment = _apply(people)
    shop = Shop.objects.get(commitment=commitment)
    assert commitment.status == "pending" and commitment.days == 7 and commitment.region_path == "310115"
    assert commitment.name == people["business"].name and not shop.listed
    assert (shop.county_id, shop.prefecture, shop.province) == ("310115", "3101", "31")
    assert shop.brand_key.startswith("鸿运家电") and shop.name_key.startswith("上海浦东鸿运")
    assert not _found(commitment, where="浦东新区")  # pending: not public yet
    assert Client().get(f"/commitments/{commitment.pk}/").status_code == 404
    html = people["firm"][0].get("/business/commitments/").content.decode()
    assert f'data-entry="{commitment.pk}"' in html

    queue = people["pudong"][0].get("/desk/commitments/").content.decode()
    assert f'data-entry="{commitment.pk}"' in queue
    r = people["pudong"][0].post(f"/desk/commitments/{shop.commitment_id}/approve", {"text": ""})
    assert r.status_code == 302
    commitment = Commitment.objects.get(pk=shop.commitment_id)
    assert commitment.status == "approved" and commitment.approved_at and Shop.objects.get(pk=shop.pk).listed

    assert _found(commitment, where="浦东新区")  # its county, by name
    assert _found(commitment, where="310115")  # by division code
    assert _found(commitment, where="上海")  # its province
    assert _found(commitment, where="上海", category="household_electronics", registry="returns")
    assert not _found(commitment, where="上海", category="food")
    assert not _found(commitment, where="徐汇区")  # another county of the same city
    assert not _found(commitment, where="江苏省")  # another province
    assert not _found(commitment, where="浦东新区", registry="assured")
    assert _found(commitment, q="鸿运")  # the start of the trade name, nationwide
    assert _found(commitment, q="上海浦东鸿运")  # the start of the name
    assert not _found(commitment, q="家电销售")  # nationwide, only starts are matched (indexed)
    assert _found(commitment, q="家电销售", where="浦东新区")  # within a county, any part
    assert _found(commitment, q="张江店", where="浦东新区")  # or the shop's own name
    assert _found(commitment)  # everything listed

    html = Client().get(f"/commitments/{commitment.pk}/").content.decode()
    assert 'data-field="days"' in html and "定制商品" in html and "鸿运家电张江店" in html
    assert "浦东新区" in html and 'data-field="breaches">0' in html


def test_a_place_that_names_several_regions_asks_which(people):
    commitment = _approved(people)
    html = Client().get("/commitments/", {"where": "朝阳区"}).content.decode()
    assert 'data-place="110105"' in html and 'data-place="220104"' in html  # Beijing's and Changchun's
    assert f'data-entry="{commitment.pk}"' not in html
    html = Client().get("/commitments/", {"where": "不存在的地方"}).content.decode()
    assert f'data-entry="{commitment.pk}"' not in html and 'class="errors"' in html


def test_search_pages_by_keyset(people):
    first = _approved(people)
    more = {f"shops-{i}-{k}": v for i in range(1, 20) for k, v in
            (("name", f"分店{i}"), ("address", f"上海市浦东新区张江路{i}号"), ("county", ""))}
    second = _approved(people, registry="assured", days="", **more)  # 20 shops, the most one application takes
    rows, has_more = selectors.search(region=None, q="鸿运")
    assert len(rows) == 20 and has_more and all(r.commitment_id == second.pk for r in rows)
    rest, has_more = selectors.search(region=None, q="鸿运", after=rows[-1].pk)
    assert [r.commitment_id for r in rest] == [first.pk] and not has_more
    html = Client().get("/commitments/", {"q": "鸿运"}).content.decode()
    assert 'rel="next"' in html and "after=" in html


def test_a_revoked_pledge_leaves_the_search_and_says_so(people):
    commitment = _approved(people)
    desk = people["pudong"][0]
    r = desk.post(f"/desk/commitments/{commitment.pk}/revoke", {"text": "  "})
    assert r.status_code == 422 and Commitment.objects.get(pk=commitment.pk).status == "approved"
    r = desk.post(f"/desk/commitments/{commitment.pk}/revoke", {"text": "经查多次拒绝无理由退货"})
    assert r.status_code == 302
    commitment.refresh_from_db()
    assert commitment.status == "revoked" and commitment.ended_at and commitment.reason.startswith("经查")
    assert not Shop.objects.get(commitment=commitment).listed
    assert not _found(commitment, where="浦东新区") and not _found(commitment, q="鸿运")
    html = Client().get(f"/commitments/{commitment.pk}/").content.decode()
    assert 'data-field="status"' in html and 'id="rate"' not in html  # readable, marked, not rateable
    r = desk.post(f"/desk/commitments/{commitment.pk}/revoke", {"text": "再次"})
    assert r.status_code == 422  # already revoked
    events = list(commitment.events.all())
    assert [e.action for e in events] == ["applied", "approved", "revoked"]
    assert all(e.rule.registry == "returns" and e.rule.version == 1 for e in events)
    assert events[1].actor.username == "pudong" and events[2].note.startswith("经查")
    # the business may apply again once the pledge is revoked
    assert _apply(people).status == "pending"


def test_a_rejected_application_is_never_public(people):
    commitment = _apply(people)
    r = people["pudong"][0].post(f"/desk/commitments/{commitment.pk}/reject", {"text": "门店地址与执照不符"})
    assert r.status_code == 302
    assert Commitment.objects.get(pk=commitment.pk).status == "rejected"
    assert Client().get(f"/commitments/{commitment.pk}/").status_code == 404
    html = people["firm"][0].get(f"/business/commitments/{commitment.pk}/").content.decode()
    assert "门店地址与执照不符" in html


# ---- invalid input ---------------------------------------------------------------------------------

def _faults(**fields):
    data = {"registry": "returns", "category": "household_electronics", "scope": "家电", "days": "7",
            "shops": [{"name": "", "address": "上海市浦东新区张江路100号", "county": ""}]}
    data.update(fields)
    with pytest.raises(InvalidInput) as caught:
        services.clean_application(data)
    return {"-".join(map(str, e["loc"])): e for e in caught.value.errors}


def test_invalid_applications_get_specific_errors(people):
    assert _faults(days="0")["days"]["msg"] == "The number of days must be from 1 to 90."
    assert _faults(days="91")["days"]["msg"] == "The number of days must be from 1 to 90."
    assert _faults(days="七")["days"]["msg"] == "Give the number of days as a whole number, such as 7."
    assert _faults(days="-3")["days"]["msg"] == "Give the number of days as a whole number, such as 7."
    assert "within which goods may be returned" in _faults(days="")["days"]["msg"]
    assert services.clean_application({"registry": "assured", "category": "food", "scope": "食品安全",
                                       "shops": [{"address": "上海市浦东新区张江路100号"}]})[0]["days"] is None
    assert set(_faults(registry="", category="x", scope=" ")) == {"registry", "category", "scope"}
    assert _faults(shops=[])["shops"]["msg"] == "Add at least one shop with its address."
    assert _faults(shops=[{"name": "无地址店", "address": ""}])["shops-0-address"]["msg"] == "Give the shop's address."
    # an address that names no county asks for the county; the picker settles it
    unclear = _faults(shops=[{"address": "人民路1号", "county": ""}])
    assert unclear["shops-0-county"]["msg"] == "The county of this address could not be told: choose the county."
    ok, _rule = services.clean_application({**APPLICATION_FIELDS, "shops": [{"address": "人民路1号", "county": "徐汇区"}]})
    assert ok["shops"][0]["county"].code == "310104"
    several = _faults(shops=[{"address": "建国路1号", "county": "朝阳区"}])["shops-0-county"]
    assert several["msg"] == "Several counties match: choose one." and {"110105", "220104"} <= {
        c for c, _n in several["choices"]}
    assert _faults(shops=[{"address": "建国路1号", "county": "无此县"}])["shops-0-county"]["msg"] == \
        "No county matches “无此县”."
    # a blank row is skipped, and a fault names the row where it was
    assert "shops-1-address" in _faults(shops=[{"address": ""}, {"name": "第二店", "address": ""}])


APPLICATION_FIELDS = {"registry": "returns", "category": "household_electronics", "scope": "家电", "days": "15"}


def test_the_form_shows_each_fault_beside_its_field_and_keeps_the_input(people):
    firm = people["firm"][0]
    r = firm.post("/business/commitments/new/", {**APPLICATION, "days": "120", "shops-0-address": "人民路1号"})
    assert r.status_code == 422 and Commitment.objects.count() == 0
    html = _main(r.content.decode())
    assert 'id="f-days" name="days" value="120"' in html and 'value="人民路1号"' in html
    assert 'id="f-shops-0-county"' in html and html.count('aria-invalid="true"') == 2
    # several counties match: the picker becomes a list of them
    r = firm.post("/business/commitments/new/", {**APPLICATION, "shops-0-address": "建国路1号", "shops-0-county": "朝阳"})
    assert r.status_code == 422 and '<option value="110105">' in r.content.decode()
    # "add a shop" keeps the input, adds a row, and sends nothing
    r = firm.post("/business/commitments/new/", {**APPLICATION, "add_shop": "1"})
    assert r.status_code == 200 and 'name="shops-1-address"' in r.content.decode() and Commitment.objects.count() == 0
    # the same registry twice is refused while the first is pending or approved
    _apply(people)
    r = firm.post("/business/commitments/new/", APPLICATION)
    assert r.status_code == 422 and Commitment.objects.count() == 1
    with pytest.raises(DomainError):
        services.apply(actor=_actor(people["firm"][1]), fields={**APPLICATION_FIELDS, "shops": [
            {"address": "上海市浦东新区张江路100号"}]})
    # only a business applies
    with pytest.raises(Forbidden):
        services.apply(actor=_actor(people["pudong"][1]), fields={})
    assert people["pudong"][0].get("/business/commitments/new/").status_code == 404


# ---- who may decide --------------------------------------------------------------------------------

def test_staff_of_another_county_cannot_decide(people):
    commitment = _apply(people)
    xuhui = people["xuhui"][0]
    assert f'data-entry="{commitment.pk}"' not in xuhui.get("/desk/commitments/").content.decode()
    assert xuhui.get(f"/desk/commitments/{commitment.pk}/").status_code == 404
    assert xuhui.post(f"/desk/commitments/{commitment.pk}/approve").status_code == 404
    assert Commitment.objects.get(pk=commitment.pk).status == "pending"
    with pytest.raises(Forbidden):
        services.approve(commitment=commitment, actor=_actor(people["xuhui"][1]))
    assert people["operator"][0].get("/desk/commitments/").status_code == 404  # operators do not decide
    assert people["firm"][0].get(f"/desk/commitments/{commitment.pk}/").status_code == 404
    assert Client().get("/desk/commitments/").status_code == 302  # to the sign-in page
    # another business sees nothing of it
    other = services_business("上海徐汇某某百货有限公司")
    client, _ = signed_in("other", "business", business=other)
    assert client.get(f"/business/commitments/{commitment.pk}/").status_code == 404
    # the city's supervisor is over the county
    services.approve(commitment=commitment, actor=_actor(people["shanghai"][1]))
    assert Commitment.objects.get(pk=commitment.pk).status == "approved"


def services_business(name):
    from ombud.businesses.services import register_business

    return register_business(name=name, registered_address="上海市徐汇区漕溪北路1号")


def test_shops_in_two_counties_are_decided_by_the_city(people):
    commitment = _apply(people, **{"shops-1-name": "鸿运家电徐家汇店", "shops-1-address": "上海市徐汇区漕溪北路1号",
                                   "shops-1-county": ""})
    assert commitment.region_path == "3101" and commitment.shops.count() == 2
    assert people["pudong"][0].post(f"/desk/commitments/{commitment.pk}/approve").status_code == 404
    assert people["shanghai"][0].post(f"/desk/commitments/{commitment.pk}/approve").status_code == 302
    commitment.refresh_from_db()
    assert _found(commitment, where="徐汇区") and _found(commitment, where="浦东新区")


# ---- breaches ---------------------------------------------------------------------------------------

def _complaint(business, issue_type):
    body = complaint(respondent={"name": business.name, "uscc": USCC, "address": "上海市浦东新区张江路100号"},
                     issue_type=issue_type, facts="七日内要求无理由退货，商家拒绝。")
    r = make_api("integrator").post("/cases", body)
    assert r.status_code in (200, 201), r.content
    return Case.objects.get(ticket=r.json()["ticket"])


def test_a_returns_complaint_against_a_pledged_business_is_a_possible_breach(people):
    business = people["business"]
    early = _complaint(business, "after_sales")  # before the pledge: not a breach of it
    commitment = _approved(people)
    assert services.flag_possible_breach(case=early) is None
    unrelated = _complaint(business, "quality")
    assert services.flag_possible_breach(case=unrelated) is None
    case = _complaint(business, "after_sales")
    breach = services.flag_possible_breach(case=case)
    assert breach is not None and breach.commitment == commitment and breach.status == "possible"
    assert breach.rule.version == 1 and breach.issue_type == "after_sales"
    assert services.flag_possible_breach(case=case) == breach  # again: nothing new
    assert Breach.objects.count() == 1
    flagged = commitment.events.get(action="breach_flagged")
    assert flagged.actor is None and flagged.breach == breach and flagged.note == case.ticket
    # a consultation, or a complaint against another business, is not
    other = services_business("上海徐汇某某百货有限公司")
    assert services.flag_possible_breach(case=Case(kind="complaint", respondent=other, issue_type="after_sales",
                                                   received_at=case.received_at)) is None
    # the batch form, one query for the lot
    second = _complaint(business, "after_sales")
    assert [b.case for b in services.flag_possible_breaches(cases=[unrelated, second])] == [second]

    # the desk lists it; the county's handler upholds it and it shows on the entry
    desk = people["pudong"][0]
    assert f'data-breach="{breach.pk}"' in desk.get("/desk/commitments/?tab=breaches").content.decode()
    assert people["xuhui"][0].post(f"/desk/commitments/breaches/{breach.pk}/uphold", {"text": "x"}).status_code == 404
    r = desk.post(f"/desk/commitments/breaches/{breach.pk}/uphold", {"text": ""})
    assert r.status_code == 422 and Breach.objects.get(pk=breach.pk).status == "possible"
    r = desk.post(f"/desk/commitments/breaches/{breach.pk}/uphold", {"text": "经核实，商家拒绝七日内无理由退货"})
    assert r.status_code == 302
    breach.refresh_from_db()
    assert breach.status == "upheld" and breach.decided_by.username == "pudong"
    other_breach = Breach.objects.get(case=second)
    assert desk.post(f"/desk/commitments/breaches/{other_breach.pk}/dismiss", {"text": "消费者已自行撤回"}).status_code == 302
    html = Client().get(f"/commitments/{commitment.pk}/").content.decode()
    assert 'data-field="breaches">1' in html and f'data-breach="{breach.pk}"' in html
    assert f'data-breach="{other_breach.pk}"' not in html and case.complainant_name not in html
    search = Client(headers={"Accept-Language": "en"}).get("/commitments/", {"where": "浦东新区"}).content.decode()
    assert re.search(rf'data-entry="{commitment.pk}".*?Breaches upheld">1<', search, re.DOTALL)
    assert desk.post(f"/desk/commitments/breaches/{breach.pk}/dismiss", {"text": "改判"}).status_code == 422
    assert Commitment.objects.get(pk=commitment.pk).status == "approved"  # 1 of 3: counts against it only


def test_enough_upheld_breaches_revoke_the_pledge_under_the_rule_version_then_in_force(people):
    admin = get_user_model().objects.create_superuser("root", "root@example.com", "pw")
    Profile.objects.create(user=admin, role="admin")
    client = Client()
    client.force_login(admin)
    first = CommitmentRule.objects.get(registry="returns", version=1)
    r = client.get(f"/admin/commitments/commitmentrule/{first.pk}/change/")
    assert r.status_code == 200
    form = {f: getattr(first, f) for f in ("registry", "title_zh", "title_en", "text_zh", "text_en", "min_days",
                                           "max_days", "breach_shown_days")}
    form.update(effective_from="2026-01-01", day_options="[7, 15, 30]", breach_issue_types='["after_sales"]',
                revoke_after=2, days_required="on")
    r = client.post(f"/admin/commitments/commitmentrule/{first.pk}/change/", {**form, "breach_issue_types": '["nope"]'})
    assert r.status_code == 200 and CommitmentRule.objects.count() == 2  # refused: not an issue code
    r = client.post(f"/admin/commitments/commitmentrule/{first.pk}/change/", form)
    assert r.status_code == 302, r.content.decode()[:2000]
    first.refresh_from_db()
    assert first.revoke_after == 3  # the version events cite is left as it was
    second = CommitmentRule.objects.get(registry="returns", version=2)
    assert second.revoke_after == 2 and second.created_by == admin
    with pytest.raises(RuntimeError):
        second.save()

    commitment = _approved(people)
    assert commitment.rule == second
    desk = people["pudong"][0]
    for _ in range(2):
        breach = services.flag_possible_breach(case=_complaint(people["business"], "after_sales"))
        assert desk.post(f"/desk/commitments/breaches/{breach.pk}/uphold", {"text": "属实"}).status_code == 302
    commitment.refresh_from_db()
    assert commitment.status == "revoked" and not _found(commitment, where="浦东新区")
    revoked = commitment.events.get(action="auto_revoked")
    assert revoked.rule == second and revoked.note == "2/2" and revoked.actor.username == "pudong"


def test_events_are_append_only(people):
    commitment = _approved(people)
    event = commitment.events.first()
    with pytest.raises(RuntimeError):
        event.save()
    with pytest.raises(RuntimeError):
        event.delete()
    with pytest.raises(DatabaseError), transaction.atomic():
        CommitmentEvent.objects.filter(pk=event.pk).update(note="改写")
    assert CommitmentEvent.objects.get(pk=event.pk).note == ""


# ---- ratings ----------------------------------------------------------------------------------------

def test_visitors_rate_once_per_session(people, settings):
    commitment = _approved(people)
    url = f"/commitments/{commitment.pk}/rate"
    visitor = Client()
    assert visitor.post(url, {"stars": "6"}).status_code == 422
    assert visitor.post(url, {"stars": "5", "comment": "退货很顺利"}).status_code == 302
    r = visitor.post(url, {"stars": "1"})
    assert r.status_code == 422 and Rating.objects.count() == 1
    assert 'data-field="rated"' in visitor.get(f"/commitments/{commitment.pk}/").content.decode()
    assert Client().post(url, {"stars": "4"}).status_code == 302  # another visitor
    rating = Rating.objects.get(stars=5)
    assert len(rating.rater) == 64 and visitor.session.session_key not in rating.rater  # a hash, not the key
    html = Client().get(f"/commitments/{commitment.pk}/").content.decode()
    assert re.search(r'data-field="rating">4\.5 / 5', html) and "退货很顺利" not in html  # comments are not published
    assert "退货很顺利" in people["pudong"][0].get(f"/desk/commitments/{commitment.pk}/").content.decode()
    # CSRF applies to visitors too
    assert Client(enforce_csrf_checks=True).post(url, {"stars": "3"}).status_code == 403
    # a pending entry cannot be rated (nor seen)
    Commitment.objects.filter(pk=commitment.pk).update(status="pending")
    assert Client().post(url, {"stars": "3"}).status_code == 404
    Commitment.objects.filter(pk=commitment.pk).update(status="approved")
    # a connection that sends too many is slowed down
    settings.OMBUD_RATE_LIMITS = True
    statuses = {Client().post(url, {"stars": "3"}).status_code for _ in range(22)}
    assert 429 in statuses


# ---- both languages -----------------------------------------------------------------------------------

def test_chinese_pages_show_no_english(people):
    commitment = _approved(people)
    breach = services.flag_possible_breach(case=_complaint(people["business"], "after_sales"))
    zh = Client(headers={"Accept-Language": "zh-hans"})
    data = {people["business"].name, USCC, commitment.name, "qiye", "pudong", breach.case.ticket}
    pages = [
        ("search", zh, "/commitments/?where=浦东新区"), ("search, several places", zh, "/commitments/?where=朝阳区"),
        ("entry", zh, f"/commitments/{commitment.pk}/"),
        ("business list", people["firm"][0], "/business/commitments/"),
        ("apply", people["firm"][0], "/business/commitments/new/"),
        ("business entry", people["firm"][0], f"/business/commitments/{commitment.pk}/"),
        ("queue", people["pudong"][0], "/desk/commitments/"),
        ("queue, breaches", people["pudong"][0], "/desk/commitments/?tab=breaches"),
        ("desk entry", people["pudong"][0], f"/desk/commitments/{commitment.pk}/"),
    ]
    found = {}
    for name, client, url in pages:
        r = client.get(url)
        assert r.status_code == 200, (name, r.status_code)
        english = english_in(_main(r.content.decode()), data)
        if english:
            found[name] = english
    errors = [("apply, errors", people["firm"][0], "/business/commitments/new/",
               {**APPLICATION, "days": "0", "shops-0-address": "人民路1号"}),
              ("revoke, error", people["pudong"][0], f"/desk/commitments/{commitment.pk}/revoke", {"text": ""})]
    for name, client, url, body in errors:
        r = client.post(url, body)
        assert r.status_code == 422, name
        english = english_in(_main(r.content.decode()), data)
        if english:
            found[name] = english
    assert found == {}


def test_english_pages_read_in_english(people):
    commitment = _approved(people)
    html = Client(headers={"Accept-Language": "en"}).get(f"/commitments/{commitment.pk}/").content.decode()
    assert "Offline no-reason return pledge" in html and "7 days" in html
    html = people["en"][0].get(f"/desk/commitments/{commitment.pk}/").content.decode()
    assert "Rules for offline no-reason return pledges" in html and "version 1" in html
