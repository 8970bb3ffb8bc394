"""Consumer-field credit (消费领域信用): the grade is a pure function of published weights, shown only with its
inputs; formula and rule versions lock once published; a penalty leaves the public view when its period (Order 45
Art. 13) ends; the serious-violation list is kept by staff with an append-only history; the desk is staff only."""
import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.test import Client

from ombud.analytics import store
from ombud.cases.models import Case, CaseEvent
from ombud.cases.services import event
from ombud.credit import grade, selectors
from ombud.credit.defaults import FORMULA_V1
from ombud.credit.models import CreditFormula, CreditRule, ListEntry, ListEvent

from .conftest import CST, complaint, frozen, make_api
from .test_chinese_pages import english_in
from .workflow_helpers import signed_in

NOW = frozen(2026, 11, 16, 10)
W, T = FORMULA_V1["weights"], FORMULA_V1["thresholds"]
BASE = {"complaints": 0, "days": 365, "mediation": None, "mediations": 0, "satisfaction": None, "rated": 0,
        "penalties": 0, "breaches": 0, "odr": False, "listed": False}


def score(**inputs):
    return grade.compute(**{**BASE, **inputs}, weights=W, thresholds=T)


# ---- the grade: a pure function --------------------------------------------------------------------------

def test_grade_boundaries_fall_on_the_published_thresholds():
    assert score().score == 100 and score().grade == "A"
    assert score(complaints=20).score == 90.0 and score(complaints=20).grade == "A"  # exactly 90: A
    assert score(complaints=21).score == 89.5 and score(complaints=21).grade == "B"
    assert score(complaints=40, penalties=1).score == 70.0 and score(complaints=40, penalties=1).grade == "C"
    assert score(complaints=40, penalties=2).score == 60.0 and score(complaints=40, penalties=2).grade == "C"
    assert score(complaints=40, penalties=3).grade == "D"
    # caps: complaints beyond 40 a year, penalties beyond 3, breaches beyond 3 take nothing more
    assert score(complaints=400).score == score(complaints=40).score == 80.0
    assert score(penalties=9, breaches=9).score == 100 - 30 - 15
    # never below 0, never above 100
    worst = {"complaints": 400, "penalties": 9, "breaches": 9, "mediation": 0, "mediations": 9, "satisfaction": 0,
             "rated": 9}
    assert score(**worst).score == 5 and score(**worst).grade == "D"
    heavy = grade.compute(**{**BASE, **worst}, weights={**W, "penalty": 40}, thresholds=T)
    assert heavy.score == 0 and heavy.parts[3].points == -120
    assert score(odr=True).score == 100
    assert score(complaints=1, days=2).parts[0].value == 182.5  # halves go up: 0.5 × 35.3 = 17.65 → 17.7
    assert score(complaints=3, days=31).parts[0].points == -17.7


def test_complaints_are_counted_per_year_of_the_period():
    assert grade.per_year(10, 73) == 50.0
    assert score(complaints=10, days=73).parts[0].value == 50.0 and score(complaints=10, days=73).score == 80.0


def test_rates_count_only_with_enough_cases_and_unrated_complaints_never_count_as_satisfied():
    few = score(satisfaction=0, rated=4)
    assert few.score == 100 and not next(p for p in few.parts if p.key == "satisfaction").counted
    enough = score(satisfaction=0, rated=5)
    assert enough.score == 85 and next(p for p in enough.parts if p.key == "satisfaction").counted
    assert score(mediation=50, mediations=10).score == 92.5
    # the rate is what the rated said: a business whose consumers never rate gains nothing from them
    assert score(satisfaction=None, rated=0).score == 100


def test_the_serious_violation_list_forces_the_lowest_grade_whatever_the_score():
    listed = score(listed=True, odr=True)
    assert listed.score == 100 and listed.grade == "D" and listed.forced


def test_a_formula_is_checked_before_it_can_be_saved():
    assert grade.check(W, T) == []
    fields = {f for f, *_ in grade.check({**W, "complaints": -1}, T)}
    assert fields == {"weights"}
    assert {f for f, *_ in grade.check({k: v for k, v in W.items() if k != "odr"}, T)} == {"weights"}
    assert {f for f, *_ in grade.check(W, [["A", 90], ["B", 50]])} == {"thresholds"}  # no grade from 0
    assert {f for f, *_ in grade.check(W, [["A", 90], ["A", 0]])} == {"thresholds"}


# ---- versions -----------------------------------------------------------------------------------------

@pytest.mark.django_db
@NOW
def test_formula_and_rule_versions_lock_once_published():
    v1 = CreditFormula.objects.get(version=1)
    assert v1.published_on is not None and selectors.formula_in_force() == v1
    v1.weights = {**v1.weights, "odr": 50}
    with pytest.raises(ValidationError):
        v1.full_clean()
    draft = CreditFormula.objects.create(version=2, weights={**W, "odr": 10}, thresholds=T)
    draft.weights = {**W, "odr": 12}
    draft.full_clean()  # not published: still editable
    draft.save()
    assert selectors.formula_in_force() == v1  # a draft is not in force
    draft.published_on = dt.date(2026, 12, 1)
    draft.save()
    assert selectors.formula_in_force() == v1  # published from a later day
    assert selectors.formula_in_force(dt.date(2026, 12, 1)) == draft
    rule = CreditRule.objects.get(version=1)
    rule.public_years = 5
    with pytest.raises(ValidationError):
        rule.full_clean()
    assert rule.cite("public_years")["ref"] == "PIP Art. 13(1)" and rule.cite("public_years")["confirmed"] is True
    assert rule.cite("list_years")["confirmed"] is False  # Order 44's text was not read


# ---- penalties leave the public view -------------------------------------------------------------------------

def _report_penalty(at, **data):
    api = make_api("integrator")
    ticket = api.post("/cases", complaint(kind="report", violation_type="unlicensed",
                                          complainant={"name": "钱举报"})).json()["ticket"]
    report = Case.objects.get(ticket=ticket)
    Case.objects.filter(pk=report.pk).update(outcome="penalized")  # as the workflow's record_penalty leaves it
    CaseEvent.objects.bulk_create([event(report, action="penalty_recorded", at=at, data=data)])
    return report.respondent


@pytest.mark.django_db
@NOW
def test_a_penalty_leaves_the_public_view_after_its_period(time_machine):
    firm = _report_penalty(dt.datetime(2026, 11, 2, 15, tzinfo=CST), decision_number="浦东市监处〔2026〕88号",
                           fines="5000.00")
    _report_penalty(dt.datetime(2026, 11, 3, 15, tzinfo=CST), decision_number="浦东市监处〔2026〕89号", fines="0")
    rule = selectors.rule_in_force()

    def shown(day):
        time_machine.move_to(dt.datetime(*day, 10, tzinfo=CST))
        return [p["number"] for p in selectors.penalties_in_view(firm, rule=rule, today=dt.date(*day))]

    both = ["浦东市监处〔2026〕89号", "浦东市监处〔2026〕88号"]
    assert shown((2026, 11, 16)) == both
    assert shown((2027, 2, 3)) == both  # the minor one (no fine): last public day, 3 months on
    assert shown((2027, 2, 4)) == ["浦东市监处〔2026〕88号"]
    assert shown((2029, 11, 2)) == ["浦东市监处〔2026〕88号"]  # the other: 3 years
    assert shown((2029, 11, 3)) == []
    row = selectors.penalties_in_view(firm, rule=rule, today=dt.date(2026, 12, 1))[1]
    assert row["public_until"] == dt.date(2029, 11, 2) and row["repair_from"] == dt.date(2027, 5, 2)
    # staff still see it, marked; the public page does not
    everything = selectors.penalties_in_view(firm, rule=rule, today=dt.date(2029, 11, 3), everything=True)
    assert [p["public"] for p in everything] == [False, False]
    page = Client(headers={"Accept-Language": "en"}).get(f"/businesses/{firm.pk}/credit/").content.decode()
    assert "浦东市监处〔2026〕88号" not in page and "No penalty in public view." in page


@pytest.mark.django_db
@NOW
def test_a_new_rule_version_with_a_lower_fine_amount_makes_a_fine_minor():
    firm = _report_penalty(dt.datetime(2026, 11, 2, 15, tzinfo=CST), decision_number="浦东市监处〔2026〕88号",
                           fines="5000.00")
    v1 = CreditRule.objects.get(version=1)
    v2 = CreditRule.objects.create(**{f: getattr(v1, f) for f in CreditRule.LOCKED
                                      if f not in ("version", "low_fine_max")},
                                   version=2, low_fine_max=Decimal(10000))
    v2.effective_from = v2.published_on = dt.date(2026, 1, 1)
    v2.save()
    assert selectors.rule_in_force() == v2
    row = selectors.penalties_in_view(firm, rule=v2, today=dt.date(2026, 11, 16))[0]
    assert row["minor"] and row["public_until"] == dt.date(2027, 2, 2) and row["repair_from"] is None


# ---- the serious-violation list --------------------------------------------------------------------------

@pytest.fixture
def firm(db):
    from ombud.businesses.services import register_business

    return register_business(name="上海浦东鸿运家电销售有限公司", registered_address="上海市浦东新区张江路100号")


def _main(html):
    found = re.search(r"<main.*?</main>", html, re.DOTALL)
    return found.group(0) if found else html


@NOW
def test_listing_and_removal_write_events_and_events_are_append_only(firm):
    handler, user = signed_in("chengban", "handler", authority="310115", name="李明", language="en")
    url = f"/desk/credit/{firm.pk}/"
    r = handler.post(url, {"action": "list", "article": "SVL Art. 8", "decision_number": "",
                           "listed_on": "2026-11-10"})
    assert r.status_code == 422 and "Give the decision number." in r.content.decode()
    assert not ListEntry.objects.exists()
    r = handler.post(url, {"action": "list", "article": "SVL Art. 8", "decision_number": "沪浦市监列严〔2026〕3号",
                           "listed_on": "2026-11-10"})
    assert r.status_code == 302, _main(r.content.decode())
    entry = ListEntry.objects.get()
    assert entry.removal_eligible_on == dt.date(2029, 11, 10) and entry.authority.code == "310115"
    assert handler.post(url, {"action": "list", "article": "SVL Art. 8", "decision_number": "另一号",
                              "listed_on": "2026-11-10"}).status_code == 422  # one open entry at a time
    public = Client(headers={"Accept-Language": "en"}).get(f"/businesses/{firm.pk}/credit/").content.decode()
    assert "沪浦市监列严〔2026〕3号" in public and 'data-forced' in public
    assert re.search(r'data-figure="grade">D<', public)
    assert "/desk/credit/" in handler.get("/desk/credit/").content.decode()
    assert "沪浦市监列严〔2026〕3号" in handler.get("/desk/credit/").content.decode()

    r = handler.post(url, {"action": "remove", "reason": ""})
    assert r.status_code == 422 and ListEntry.objects.get().removed_on is None
    r = handler.post(url, {"action": "remove", "reason": "决定已被撤销", "removed_on": "2026-11-16"})
    assert r.status_code == 302
    entry.refresh_from_db()
    assert entry.removed_on == dt.date(2026, 11, 16) and entry.removal_reason == "决定已被撤销"
    events = list(entry.events.all())
    assert [e.action for e in events] == ["listed", "removed"] and events[0].actor == user
    assert events[0].article == "SVL Art. 8" and events[1].note == "决定已被撤销" and events[0].rule.version == 1
    assert "沪浦市监列严〔2026〕3号" not in Client().get(f"/businesses/{firm.pk}/credit/").content.decode()

    ev = events[0]
    with pytest.raises(RuntimeError):
        ev.save()
    with pytest.raises(RuntimeError):
        ev.delete()
    with pytest.raises(DatabaseError), transaction.atomic():
        ListEvent.objects.filter(pk=ev.pk).update(note="改写")
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError), transaction.atomic():
            ListEvent.objects.filter(pk=ev.pk).delete()
    assert ListEvent.objects.get(pk=ev.pk).note == ""


@NOW
def test_the_desk_is_staff_only_and_only_deciders_of_the_area_change_the_list(firm):
    url = f"/desk/credit/{firm.pk}/"
    body = {"action": "list", "article": "SVL Art. 8", "decision_number": "某号", "listed_on": "2026-11-10"}
    assert Client().get(url).status_code == 302 and Client().get("/desk/credit/").status_code == 302  # sign in
    for role, extra in (("consumer", {}), ("business", {"business": firm})):
        client, _ = signed_in(f"u-{role}", role, **extra)
        assert client.get(url).status_code == 404 and client.get("/desk/credit/").status_code == 404
        assert client.post(url, body).status_code == 404
    operator, _ = signed_in("jiexian", "operator", authority="310115")
    assert operator.get(url).status_code == 200
    assert operator.post(url, body).status_code == 422
    elsewhere, _ = signed_in("handler_bj", "handler", authority="110105")
    assert elsewhere.post(url, body).status_code == 422
    assert not ListEntry.objects.exists()
    supervisor, _ = signed_in("jiandu", "supervisor", authority="310000")
    assert supervisor.post(url, body).status_code == 302 and ListEntry.objects.count() == 1
    assert Client().get(f"/businesses/{firm.pk}/credit/").status_code == 200
    assert Client().get("/businesses/999999/credit/").status_code == 404


# ---- the public page --------------------------------------------------------------------------------------

@pytest.fixture
def world(settings, tmp_path, db):
    """A business with complaints in October 2026 (rated and not), a penalty, and the analytical store built."""
    api = make_api("integrator")
    closed = {"status": "closed", "closed_at": dt.datetime(2026, 10, 20, tzinfo=CST)}
    for fields in ({"outcome": "agreement", "rating_business": 5}, {"outcome": "agreement", "rating_business": 2},
                   {"outcome": "terminated"}):
        at = dt.datetime(2026, 10, 12, 10, tzinfo=CST)
        ticket = api.post("/cases", complaint(received_at=at.isoformat(), purchase_date="2026-09-20")).json()["ticket"]
        Case.objects.filter(ticket=ticket).update(**fields, **closed)
    firm = _report_penalty(dt.datetime(2026, 11, 2, 15, tzinfo=CST), decision_number="浦东市监处〔2026〕88号",
                           fines="5000.00")
    settings.OMBUD_ANALYTICS_DIR = tmp_path / "store"
    store.refresh(full=True)
    return firm


def _figures(html):
    return dict(re.findall(r'data-figure="(\w+)">([^<]*)<', html))


@NOW
def test_the_public_page_shows_the_grade_beside_its_inputs_and_formula(world):
    query = {"from": "2026-10-01", "to": "2026-10-31"}
    for language in ("en", "zh-hans"):
        r = Client(headers={"Accept-Language": language}).get(f"/businesses/{world.pk}/credit/", query)
        assert r.status_code == 200
        html = r.content.decode()
        f = _figures(html)
        assert f["n"] == "3" and f["satisfaction"] == "50%" and f["unrated"] == "1"
        # 3 complaints in 31 days = 35.3 a year: −17.7; one penalty in view: −10; too few cases for the rates
        assert f["score"] == "72.3" and f["grade"] == "C", f
        grade_card = html[html.index("data-grade"):html.index("data-record")]
        for key in grade.INPUT_KEYS:
            assert f'data-input="{key}"' in grade_card  # every input beside the grade
        assert "data-formula" in grade_card and "浦东市监处〔2026〕88号" in html
        assert "2029" in html  # the penalty's last public day
        assert "钱举报" not in html
    en = Client(headers={"Accept-Language": "en"}).get(f"/businesses/{world.pk}/credit/", query).content.decode()
    assert "Art. 13(1) of the Provisions on the Public Disclosure of Administrative Penalty Information" in en
    zh = Client(headers={"Accept-Language": "zh-hans"}).get(f"/businesses/{world.pk}/credit/", query).content.decode()
    assert "《市场监督管理行政处罚信息公示规定》第十三条第一款" in zh
    record = Client().get(f"/businesses/{world.pk}/").content.decode()
    assert f"/businesses/{world.pk}/credit/" in record  # linked from the public record
    assert Client().get(f"/businesses/{world.pk}/credit/", {"from": "2026-13-01"}).status_code == 422


@NOW
def test_the_chinese_credit_page_has_no_english_but_data(world):
    grades = {g for g, _ in FORMULA_V1["thresholds"]}  # data of the formula, left out as whole words only

    def english(html):
        return [w for w in english_in(html, data=[world.name, world.uscc or "", world.registered_address,
                                                  "chengban"]) if w not in grades]

    zh = Client(headers={"Accept-Language": "zh-hans"})
    assert english(zh.get(f"/businesses/{world.pk}/credit/").content.decode()) == []
    desk, _ = signed_in("chengban", "handler", authority="310115")
    assert english(desk.get(f"/desk/credit/{world.pk}/").content.decode()) == []
    assert english(desk.get("/desk/credit/").content.decode()) == []
