"""Counts per value and trends kept by each publication pass (ombud/disclosure/cube.py) answer exactly what
counting the published complaints answers: with no filter, one filter, a negated or multi-valued filter,
after a complaint is republished between passes, and for trends by region, category and issue."""
import pytest
from django.http import QueryDict

from ombud.disclosure import cube, query, selectors, services
from ombud.disclosure.models import (
    FacetCount,
    Narrative,
    NarrativeStatus,
    PublicationRun,
    TrendCount,
)

from . import test_public_complaints as published
from .conftest import frozen, make_api
from .test_public_complaints import CHAOYANG, PUDONG, _case, at

world = published.world  # the same fixture: eight cases, two businesses

pytestmark = pytest.mark.django_db
NOW = frozen(2026, 11, 16, 10)

QUERIES = ["", "category=household_electronics", "not_category=household_electronics",
           "category=communication&category=postal_express", "not_channel=app&not_channel=web", "region=31",
           "not_region=31", "region=310115", "timely=no", "not_timely=yes", "rated=yes", "not_has_narrative=yes",
           "outcome=agreement", "issue=quality", "company=" + PUDONG["name"], "not_company=" + CHAOYANG["name"],
           "region=31&region=3101"]


@pytest.fixture
def more(world):
    api = make_api("integrator")
    extra = [
        {"received": at(2026, 8, 3), "closed": at(2026, 8, 30), "respondent": CHAOYANG,
         "category": "communication", "issue_type": "quality", "channel": "web", "rating": 2,
         "account": "网络断了一个月。"},
        {"received": at(2026, 8, 20), "closed": at(2026, 9, 2), "outcome": "presettled", "timely": False,
         "channel": "app"},
        {"received": at(2026, 9, 9), "closed": at(2026, 9, 29), "respondent": CHAOYANG,
         "category": "postal_express", "issue_type": "contract", "rating": 4},
        {"received": at(2026, 10, 12), "closed": at(2026, 10, 30), "outcome": "withdrawn", "channel": "hotline",
         "response": "已联系消费者。"},
    ]
    for e in extra:
        _case(api, **e)
    services.publish_due()
    return world


def _parse(params):
    q, errors = query.parse(QueryDict(params))
    assert not errors, errors
    return q


def _as_counts(aggs):
    return {name: {b["key"]: b["count"] for b in buckets} for name, buckets in aggs.items()}


def _kept_equals_counted():
    for params in QUERIES:
        q = _parse(params)
        assert _as_counts(selectors.aggregations(q)) == _as_counts(selectors.aggregations(q, kept=False)), params


@NOW
def test_a_pass_keeps_counts_that_equal_counting(more):
    run = PublicationRun.objects.get()
    assert run.counted and run.counting_seconds is not None
    assert FacetCount.objects.exists() and TrendCount.objects.filter(grain="week").exists()
    _kept_equals_counted()
    # and the answers above were read from the kept counts, not counted again
    q = _parse("not_category=household_electronics")
    assert cube.facet("outcome", q.lists, most=10) is not None
    # a business the company list keeps has its own counts, and its own periods
    assert cube.facet("outcome", {"company": ([PUDONG["name"]], True)}, most=10) is not None
    assert TrendCount.objects.filter(respondent=PUDONG["name"]).exists()
    cell = FacetCount.objects.filter(filter="", facet="channel").order_by("key").first()
    FacetCount.objects.filter(pk=cell.pk).update(n=cell.n + 100)
    assert _as_counts(selectors.aggregations(_parse("")))["channel"][cell.key] == cell.n + 100


@NOW
def test_what_the_kept_counts_cannot_answer_is_counted(more):
    # two filters, and nested regions (their counts overlap): not kept
    for params in ("category=communication&channel=web", "region=31&region=3101"):
        assert cube.facet("outcome", _parse(params).lists, most=10) is None, params
    for params in ("category=communication&channel=web", "search_term=退款", "date_received_min=2026-09-01",
                   "region=31&region=3101"):
        q = _parse(params)
        assert _as_counts(selectors.aggregations(q)) == _as_counts(selectors.aggregations(q, kept=False)), params
    # A pass that did not count (an older release's) leaves every answer to counting.
    PublicationRun.objects.update(counted=False)
    assert not cube.counted()
    FacetCount.objects.update(n=999)
    _kept_equals_counted()


@NOW
def test_republished_complaints_move_the_kept_counts(more):
    fridge, phone = more["fridge"], more["phone"]
    Narrative.objects.filter(case=fridge).update(status=NarrativeStatus.WITHDRAWN)
    from ombud.cases.models import Case

    Case.objects.filter(pk=phone.pk).update(rating_handling=1, public_response="已道歉并退款。")
    services.republish(case_ids=[fridge.pk, phone.pk])
    _kept_equals_counted()
    # a case no longer public (reopened) is taken down, and its counts go with it
    Case.objects.filter(pk=more["parcel"].pk).update(status="handling", closed_at=None)
    services.republish(case_ids=[more["parcel"].pk])
    _kept_equals_counted()
    for params, lens, sub, interval in TRENDS:
        q = _parse(params)
        assert selectors.trends(q, lens=lens, sub_lens=sub, interval=interval) == \
            selectors.trends(q, lens=lens, sub_lens=sub, interval=interval, kept=False), (params, lens, interval)


@NOW
def test_a_business_list_too_short_to_be_sure_is_counted(world, monkeypatch):
    monkeypatch.setattr(cube, "KEPT", 1)  # keep one business per list: the next one's count is the bound
    api = make_api("integrator")
    _case(api, received=at(2026, 8, 3), closed=at(2026, 8, 30), respondent=CHAOYANG)
    services.publish_due()  # Pudong 3 published, Chaoyang 2
    assert cube.facet("company", {}, most=1) == [{"key": PUDONG["name"], "count": 3}]
    assert cube.facet("company", {}, most=2) is None  # the second is not kept
    q = _parse("")
    assert _as_counts(selectors.aggregations(q))["company"] == {PUDONG["name"]: 3, CHAOYANG["name"]: 2}
    # negated: the whole database's kept business less its count under the value, if still above the bound
    assert cube.facet("company", {"category": (["postal_express"], True)}, most=1) == [
        {"key": PUDONG["name"], "count": 3}]
    assert cube.facet("company", {"category": (["communication"], True)}, most=1) is None  # 2, Chaoyang 2
    for params in ("not_category=communication", "not_category=postal_express&not_category=communication"):
        q = _parse(params)
        assert _as_counts(selectors.aggregations(q)) == _as_counts(selectors.aggregations(q, kept=False))


TRENDS = [("", "overview", "", "month"), ("", "category", "issue", "quarter"), ("", "region", "", "week"),
          ("region=31", "issue", "", "day"), ("not_category=communication", "region", "category", "year"),
          ("date_received_min=2026-09-01&date_received_max=2026-10-15", "category", "", "month"),
          ("date_received_min=2026-09-01&not_date_received=true", "overview", "", "week"),
          ("", "company", "issue", "quarter"), ("issue=quality", "company", "", "month"),
          ("category=household_electronics", "issue", "company", "month")]


@NOW
def test_trends_added_up_from_kept_periods_equal_counting(more):
    for params, lens, sub, interval in TRENDS:
        q = _parse(params)
        kept = selectors.trends(q, lens=lens, sub_lens=sub, interval=interval)
        assert kept == selectors.trends(q, lens=lens, sub_lens=sub, interval=interval, kept=False), \
            (params, lens, interval)
        assert kept["overview"], params
    q = _parse("region=31")
    assert cube.trend_rows(q, "week") is not None and cube.trend_rows(_parse("channel=app"), "week") is None
    # the rolled-up rows are what the answer adds up
    TrendCount.objects.filter(grain="month").update(n=10)
    months = selectors.trends(_parse(""), interval="month")["overview"]
    assert months and all(p["count"] % 10 == 0 for p in months)


@NOW
def test_a_later_pass_moves_the_counts_by_its_changes_and_recounts_when_due(more, monkeypatch):
    import datetime as dt

    from ombud.cases.services import respond_publicly
    from ombud.core.auth import Actor

    from .conftest import CST

    api = make_api("integrator")
    # due at 12:00 today (finished a week ago): the next pass adds it
    _case(api, received=at(2026, 10, 20), closed=dt.datetime(2026, 11, 9, 12, tzinfo=CST), respondent=CHAOYANG,
          category="communication", rating=3, channel="web")
    respond_publicly(case=more["refused"], actor=Actor(role="business", business=more["refused"].respondent),
                     text="我们已主动联系消费者。")  # a case event: the row is refreshed
    later = services.publish_due(now=dt.datetime(2026, 11, 16, 15, tzinfo=CST))
    assert later.added == 1 and later.updated >= 1
    assert later.counted and not later.recounted  # moved by its changes, not counted again
    _kept_equals_counted()
    for params, lens, sub, interval in TRENDS:
        q = _parse(params)
        assert selectors.trends(q, lens=lens, sub_lens=sub, interval=interval) == \
            selectors.trends(q, lens=lens, sub_lens=sub, interval=interval, kept=False), (params, lens, interval)
    # a pass with more changes than RECOUNT_ROWS counts everything again, as does one a day after the last
    monkeypatch.setattr(services, "RECOUNT_ROWS", 0)
    respond_publicly(case=more["refused"], actor=Actor(role="business", business=more["refused"].respondent),
                     text="再次联系。")
    assert services.publish_due(now=dt.datetime(2026, 11, 16, 16, tzinfo=CST)).recounted
    monkeypatch.setattr(services, "RECOUNT_ROWS", 20_000)
    assert services.publish_due(now=dt.datetime(2026, 11, 17, 17, tzinfo=CST)).recounted
    _kept_equals_counted()


@NOW
def test_counts_over_too_many_rows_are_estimated_from_a_sample_and_say_so(more, monkeypatch):
    from django.db import connection
    from django.test import Client

    if connection.vendor != "postgresql":
        pytest.skip("TABLESAMPLE is PostgreSQL's; SQLite always counts every row")
    q = _parse("search_term=退款")
    exact = selectors.aggregations(q)
    assert not any(b.get("approximate") for buckets in exact.values() for b in buckets)
    # every page sampled (100 %): the estimate equals the count, and is still marked as an estimate
    monkeypatch.setattr(selectors, "SAMPLE_ABOVE", 0)
    monkeypatch.setattr(selectors, "SAMPLE_ROWS", 10 ** 9)
    estimated = selectors.aggregations(q)
    assert _as_counts(estimated) == _as_counts(exact)
    assert all(b["approximate"] for buckets in estimated.values() for b in buckets)
    api = Client().get("/api/v1/public/complaints", {"search_term": "退款"}).json()
    assert api["aggregations"]["outcome"][0]["approximate"] is True
    page = Client(headers={"Accept-Language": "en"}).get("/complaints/", {"search_term": "退款"}).content.decode()
    assert "(≈" in page and "estimated from a sample" in page
