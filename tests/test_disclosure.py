"""Publication of complainants' accounts (issue 10, part 2): only with consent, only once the case has
finished, scrubbed of personal data automatically, then approved or turned down by a reviewer of the case's
own area; the publication rule is versioned and can never publish a party's identity."""
import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from ombud.cases.models import Case
from ombud.core.errors import DomainError, InvalidInput
from ombud.disclosure import selectors, services
from ombud.disclosure.models import Narrative, NarrativeEvent, NarrativeStatus, PublicationRule
from ombud.intake.services import Actor

from .conftest import ON_AN_R2026_DAY, complaint, make_api
from .test_chinese_pages import english_in
from .workflow_helpers import signed_in

pytestmark = pytest.mark.django_db

ID_NUMBER = "11010519491231002X"  # GB 11643 check character X
PHONE = "13912345678"
FACTS = (f"我叫李小红，手机{PHONE}，身份证号{ID_NUMBER}。3月2日在该店购买的冰箱三天后不制冷，"
         "商家拒绝退货，客服说要等厂家检测。")


@pytest.fixture
def rule(db):
    """The data migration's version 1 (a transactional test elsewhere may have flushed it)."""
    return PublicationRule.objects.get_or_create(version=1, defaults={
        "kinds": ["complaint"], "statuses": ["closed", "refused"], "delay_days": 7, "public_years": 3,
        "fields": ["received", "category", "issue", "respondent", "outcome", "narrative"], "narratives": True})[0]


def _finished(consent=True, facts=FACTS, name="李小红", kind="complaint"):
    body = complaint(facts=facts, consent_disclosure=consent, complainant={"name": name, "phone": PHONE})
    if kind == "report":
        body = {**body, "kind": "report", "violation_type": "unlicensed"}
    ticket = make_api("integrator").post("/cases", body).json()["ticket"]
    Case.objects.filter(ticket=ticket).update(status="closed", closed_at=timezone.now())
    return Case.objects.get(ticket=ticket)


@ON_AN_R2026_DAY
def test_a_consenting_finished_complaint_is_scrubbed_reviewed_and_published_after_the_delay(rule):
    case = _finished()
    assert services.queue_finished() == 1
    narrative = Narrative.objects.get(case=case)
    for planted in (PHONE, ID_NUMBER, "李小红"):
        assert planted not in narrative.scrubbed
    assert "冰箱三天后不制冷" in narrative.scrubbed  # the account itself stays
    queued = NarrativeEvent.objects.get(narrative=narrative)
    assert {"phone", "id_card", "name"} <= set(queued.data["removed"]) and queued.rule_version == 1
    assert PHONE not in str(queued.data) and services.queue_finished() == 0  # never the text; queued once

    # the reviewer of the case's county sees it; a neighbouring county's does not
    pudong, reviewer = signed_in("pudong", "handler", authority="310115")
    xuhui, _ = signed_in("xuhui", "handler", authority="310104")
    assert case.ticket in pudong.get("/desk/accounts/").content.decode()
    assert case.ticket not in xuhui.get("/desk/accounts/").content.decode()
    assert xuhui.get(f"/desk/accounts/{narrative.pk}/").status_code == 404

    # a phone number typed back in by the reviewer is refused, naming what is left
    r = pudong.post(f"/desk/accounts/{narrative.pk}/", {"decision": "approve", "text": "请拨打 139 1234 5678 联系我"})
    assert r.status_code == 422 and "电话号码" in r.content.decode()
    assert Narrative.objects.get(pk=narrative.pk).status == NarrativeStatus.PENDING

    edited = narrative.scrubbed + "（审核人删去了一句。）"
    r = pudong.post(f"/desk/accounts/{narrative.pk}/", {"decision": "approve", "text": edited})
    assert r.status_code == 302
    narrative.refresh_from_db()
    assert narrative.status == NarrativeStatus.APPROVED and narrative.reviewed_by == reviewer
    approved = narrative.events.order_by("id").last()
    assert approved.action == "approved" and approved.data == {"edited": True} and approved.actor == reviewer

    # published `delay_days` after the case finished, for `public_years`
    case.refresh_from_db()
    assert selectors.public_account(case) == ""
    week_later = case.closed_at + dt.timedelta(days=7)
    assert selectors.public_account(case, now=week_later) == edited
    assert selectors.public_account(case, now=case.closed_at + dt.timedelta(days=7 + 3 * 366)) == ""

    # the complainant withdraws consent: gone at once
    case.submitted_by_user = reviewer  # stands in for the complainant's own account
    services.withdraw_consent(case=case, actor=Actor(role="consumer", user=reviewer))
    assert selectors.public_account(case, now=week_later) == ""


@ON_AN_R2026_DAY
def test_no_consent_no_account_and_reports_are_never_published(rule):
    _finished(consent=False)
    _finished(consent=None)
    _finished(kind="report")
    assert services.queue_finished() == 0 and not Narrative.objects.exists()


@ON_AN_R2026_DAY
def test_turning_an_account_down_needs_a_reason_and_events_are_append_only(rule):
    case = _finished()
    services.queue_finished()
    narrative = Narrative.objects.get(case=case)
    client, user = signed_in("pudong", "handler", authority="310115")
    actor = Actor(role="handler", user=user, authority=user.profile.authority)
    with pytest.raises(InvalidInput):
        services.reject_narrative(narrative=narrative, actor=actor, note="  ")
    services.reject_narrative(narrative=narrative, actor=actor, note="内容与投诉无关")
    with pytest.raises(DomainError):  # decided once
        services.approve_narrative(narrative=narrative, actor=actor, text="任何文字")
    event = narrative.events.order_by("id").last()
    with pytest.raises(RuntimeError):
        event.save()
    with pytest.raises(Exception):  # the database refuses too
        NarrativeEvent.objects.filter(pk=event.pk).update(note="changed")


def test_the_rule_can_never_publish_a_party_and_a_published_version_is_frozen(rule):
    bad = PublicationRule(version=2, kinds=["complaint", "report"], statuses=["closed"],
                          fields=["respondent", "complainant_name"])
    with pytest.raises(ValidationError) as exc:
        bad.full_clean()
    assert set(exc.value.message_dict) == {"kinds", "fields"}
    rule.published_on = dt.date(2026, 1, 1)
    rule.save()
    rule.delay_days = 0
    with pytest.raises(ValidationError):
        rule.full_clean()


@ON_AN_R2026_DAY
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_review_pages_speak_the_readers_language(rule, language):
    case = _finished()
    services.queue_finished()
    narrative = Narrative.objects.get(case=case)
    client, _ = signed_in("pudong", "handler", authority="310115", language=language, name="王审核")
    for url in ("/desk/accounts/", f"/desk/accounts/{narrative.pk}/"):
        html = client.get(url).content.decode()
        if language == "zh-hans":
            assert english_in(html, data=[case.ticket]) == [], url
        else:
            assert "Consumers' accounts to review" in html or "As the complainant wrote it" in html


@ON_AN_R2026_DAY
def test_the_complainant_withdraws_consent_before_the_account_is_even_queued(rule):
    from .workflow_helpers import consumer

    me = consumer()
    ticket = me.post("/cases", complaint(facts=FACTS, consent_disclosure=True)).json()["ticket"]
    page = me.client.get(f"/case/{ticket}/").content.decode()
    assert f"/case/{ticket}/publication" in page
    assert me.client.get(f"/case/{ticket}/publication").status_code == 200
    other = consumer("lisi", "lisi@example.com")
    assert other.client.get(f"/case/{ticket}/publication").status_code == 404
    assert other.client.post(f"/case/{ticket}/publication").status_code == 404

    r = me.client.post(f"/case/{ticket}/publication")
    assert r.status_code == 302
    case = Case.objects.get(ticket=ticket)
    assert Narrative.objects.get(case=case).status == NarrativeStatus.WITHDRAWN
    assert NarrativeEvent.objects.get(narrative__case=case).action == "withdrawn"
    Case.objects.filter(pk=case.pk).update(status="closed", closed_at=timezone.now())
    assert services.queue_finished() == 0  # never queued once withdrawn
    assert "id=\"withdraw\"" not in me.client.get(f"/case/{ticket}/publication").content.decode()


@ON_AN_R2026_DAY
def test_the_publication_page_speaks_chinese(rule):
    from .workflow_helpers import consumer

    me = consumer("wangwu", "wangwu@example.com", language="zh-hans")
    ticket = me.post("/cases", complaint(facts=FACTS, consent_disclosure=True)).json()["ticket"]
    html = me.client.get(f"/case/{ticket}/publication").content.decode()
    assert "撤回我的同意" in html and english_in(html, data=[ticket, "wangwu"]) == []  # the user name in the header
