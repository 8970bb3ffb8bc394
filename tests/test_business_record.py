"""The public record of a business (issue 10, part 1): its complaint figures over the visitor's period,
each rate with its counts, unrated complaints never counted as satisfied or resolved, penalty decisions,
its public answers once published, and a platform's merchants as a group; no party's identity."""
import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from ombud.analytics import store
from ombud.businesses.services import register_business
from ombud.cases.models import Case, CaseEvent
from ombud.cases.services import event
from ombud.disclosure.models import PublicationRule

from .conftest import CST, complaint, frozen, make_api
from .test_chinese_pages import english_in

pytestmark = pytest.mark.django_db
NOW = frozen(2026, 11, 16, 10)
FIRM = "上海浦东鸿运家电销售有限公司"


@pytest.fixture
def world(settings, tmp_path):
    """Complaints against one business in October 2026 in known states, two in October 2025 (the year
    before), a penalty decision on a report, and the store built."""
    PublicationRule.objects.get_or_create(version=1, defaults={
        "kinds": ["complaint"], "statuses": ["closed", "refused"], "delay_days": 7,
        "fields": ["respondent", "response"]})
    api = make_api("integrator")

    def case(day, **fields):
        at = dt.datetime(day.year, day.month, day.day, 10, tzinfo=CST)
        r = api.post("/cases", complaint(received_at=at.isoformat(), purchase_date=str(day - dt.timedelta(days=20)),
                                         complainant={"name": "赵秘密", "phone": "13900001111"}))
        assert r.status_code in (200, 201), r.content
        ticket = r.json()["ticket"]
        Case.objects.filter(ticket=ticket).update(**fields)
        return Case.objects.get(ticket=ticket)

    october = dt.date(2026, 10, 12)
    closed = {"status": "closed", "closed_at": dt.datetime(2026, 10, 20, tzinfo=CST)}
    case(october, outcome="agreement", rating_business=5, verdict_resolved=True, **closed)
    case(october, outcome="agreement", rating_business=2, verdict_resolved=False, **closed)
    answered = case(october, outcome="terminated", **closed)  # finished, never rated
    answered.public_response = "已与消费者多次沟通，愿意维修。"
    answered.save(update_fields=["public_response"])
    case(october, status="refused", outcome="refused", closed_at=closed["closed_at"])
    case(october)  # still open
    case(dt.date(2025, 10, 12))
    case(dt.date(2025, 10, 13))
    report = Case.objects.get(ticket=api.post("/cases", complaint(kind="report", violation_type="unlicensed",
                                                                  complainant={"name": "钱举报"})).json()["ticket"])
    Case.objects.filter(pk=report.pk).update(outcome="penalized")  # as the workflow's record_penalty leaves it
    CaseEvent.objects.bulk_create([event(report, action="penalty_recorded", at=dt.datetime(2026, 11, 2, tzinfo=CST),
                                         data={"decision_number": "浦东市监处〔2026〕88号", "fines": "5000.00"})])
    settings.OMBUD_ANALYTICS_DIR = tmp_path / "store"
    store.refresh(full=True)
    return Case.objects.filter(kind="complaint").first().respondent


def _figures(html):
    import re

    return dict(re.findall(r'data-figure="(\w+)">([^<]*)<', html))


@NOW
def test_a_business_record_counts_each_rate_from_its_parts_and_never_counts_unrated(world):
    html = Client(headers={"Accept-Language": "en"}).get(
        f"/businesses/{world.pk}/", {"from": "2026-10-01", "to": "2026-10-31"}).content.decode()
    f = _figures(html)
    assert f["n"] == "5" and f["refused"] == "1"
    assert f["mediation"] == "67%"  # 2 agreements of 3 mediations ended
    assert f["satisfaction"] == "50%"  # 1 of the 2 who rated; the unrated one is not in it
    assert f["unrated"] == "2" and f["resolved"] == "50%"  # the terminated and the refused: not rated
    assert "rated the business 4 or 5 of 5 (1) ÷ rated it at all (2)" in html  # the formula, with its counts
    assert "2 in the period before" not in html  # October 2025 is not the period before October 2026
    # the period before: the 31 days before 1 October 2026
    year = Client(headers={"Accept-Language": "en"}).get(
        f"/businesses/{world.pk}/", {"from": "2025-11-01", "to": "2026-10-31"}).content.decode()
    assert _figures(year)["n"] == "5" and "2 in the period before" in year and 'data-figure="growth">+150%' in year
    assert "浦东市监处〔2026〕88号" not in html  # decided in November
    november = Client().get(f"/businesses/{world.pk}/", {"from": "2026-11-01", "to": "2026-11-30"}).content.decode()
    assert "浦东市监处〔2026〕88号" in november
    assert "已与消费者多次沟通，愿意维修。" in html  # closed 20 October: published 7 days later
    for party in ("赵秘密", "13900001111", "钱举报"):
        assert party not in html and party not in november and party not in year


@NOW
def test_a_wrong_period_is_named_and_the_chinese_page_has_no_english(world):
    client = Client(headers={"Accept-Language": "zh-hans"})
    r = client.get(f"/businesses/{world.pk}/", {"from": "2026-13-01"})
    assert r.status_code == 422 and "2026-11-01" in r.content.decode()
    r = client.get(f"/businesses/{world.pk}/", {"from": "2026-10-31", "to": "2026-10-01"})
    assert r.status_code == 422
    html = client.get(f"/businesses/{world.pk}/").content.decode()
    assert english_in(html, data=[world.name, world.uscc or "", world.registered_address]) == []
    found = client.get("/businesses/", {"q": "鸿运"}).content.decode()
    assert f'/businesses/{world.pk}/' in found and english_in(found, data=[world.name]) == []
    assert client.get("/businesses/999999/").status_code == 404


@NOW
def test_a_platform_shows_its_merchants_as_a_group_with_a_link_to_each(settings, tmp_path):
    platform = register_business(name="某某商城", kind="platform")
    shop = register_business(name="某某商城甲店", kind="merchant", platform=platform)
    api = make_api("integrator")
    for _ in range(3):
        ticket = api.post("/cases", complaint(respondent={"name": shop.name, "address": "上海市浦东新区张江路1号"},
                                              platform=platform.name)).json()["ticket"]
        assert Case.objects.get(ticket=ticket).platform_id == platform.pk
    settings.OMBUD_ANALYTICS_DIR = tmp_path / "store"
    store.refresh(full=True)
    today = timezone.localdate()
    html = Client().get(f"/businesses/{platform.pk}/", {"from": str(today.replace(day=1)), "to": str(today)})
    html = html.content.decode()
    assert _figures(html)["n"] == "3" and f"/businesses/{shop.pk}/" in html
