"""The public hotspots page (消费热点): hot goods, hot services and hot issues of a region over whole months, with
shares and the change on the months just before, from the analytical store; and the region's local feed of
published consumer warnings and published complaints, which never carries a complainant or a report."""
import datetime as dt
import re

import pytest
from django.utils import timezone
from django.contrib.auth import get_user_model
from django.test import Client

from ombud.alerts.models import ConsumerWarning
from ombud.analytics import store
from ombud.cases.models import Case
from ombud.disclosure import hotspot_selectors as hs
from ombud.disclosure.models import PublicationRule

from .conftest import CST, complaint, frozen, make_api
from .test_public_complaints import rule_v1

pytestmark = pytest.mark.django_db
NOW = frozen(2026, 11, 16, 10)
PUDONG = {"name": "上海浦东鸿运家电销售有限公司", "address": "上海市浦东新区张江路100号"}
CHAOYANG = {"name": "北京朝阳橙意食品有限公司", "address": "北京市朝阳区建国路88号"}
SECRET = {"name": "赵秘密", "phone": "13900001111", "address": "上海市徐汇区秘密路9号"}
FACTS = "在门店购买后发现问题，多次联系未果。"
RESPONSE = "已与消费者沟通，同意退货退款。"
PERIOD = {"from": "2026-08", "to": "2026-10"}


def _case(api, day, *, respondent=PUDONG, kind="complaint", category="household_electronics", issue="quality",
          **fields):
    at = dt.datetime(day.year, day.month, day.day, 10, tzinfo=CST)
    body = complaint(kind=kind, received_at=at.isoformat(), purchase_date=str(day - dt.timedelta(days=10)),
                     respondent=respondent, complainant=SECRET, category=category, facts=FACTS)
    if kind == "report":
        body.update(violation_type="price", request="", conduct_address=respondent["address"])
        body.pop("issue_type")
    else:
        body["issue_type"] = issue
    r = api.post("/cases", body)
    assert r.status_code in (200, 201), r.content
    ticket = r.json()["ticket"]
    if fields:
        Case.objects.filter(ticket=ticket).update(**fields)
    return Case.objects.get(ticket=ticket)


@pytest.fixture
def world(settings, tmp_path):
    """Pudong complaints in August–October 2026 and in the three months before, Chaoyang (Beijing) complaints
    as the other province, a Pudong report, finished cases for the feed, and the store built."""
    rule = rule_v1()  # as seeded: finished complaints, seven days after
    assert rule.kinds == ["complaint"] and rule.delay_days == 7 and "response" in rule.fields
    api = make_api("integrator")
    sep, jun = dt.date(2026, 9, 10), dt.date(2026, 6, 10)
    for category, issue, n in (("household_electronics", "quality", 2), ("household_electronics", "after_sales", 1),
                               ("food", "quality", 1), ("catering_accommodation", "contract", 2),
                               ("telecom", "contract", 1)):
        for _ in range(n):
            _case(api, sep, category=category, issue=issue)
    _case(api, jun, category="household_electronics", issue="quality")  # the period before
    _case(api, jun, category="catering_accommodation", issue="contract")
    _case(api, jun, category="catering_accommodation", issue="contract")
    for _ in range(5):
        _case(api, sep, respondent=CHAOYANG, category="food", issue="safety")
    closed = {"status": "closed", "closed_at": dt.datetime(2026, 11, 1, 9, tzinfo=CST)}
    cases = {
        "published": _case(api, dt.date(2026, 10, 8), category="food", issue="price", outcome="agreement",
                           public_response=RESPONSE, **closed),
        "too_recent": _case(api, dt.date(2026, 10, 9), outcome="agreement", status="closed",
                            closed_at=dt.datetime(2026, 11, 12, 9, tzinfo=CST)),
        "open": _case(api, dt.date(2026, 10, 10)),
        "report": _case(api, dt.date(2026, 10, 11), kind="report", category="household_electronics",
                        outcome="penalized", public_response="举报相关答复", **closed),
        "beijing": _case(api, dt.date(2026, 10, 12), respondent=CHAOYANG, category="food", issue="safety",
                         outcome="presettled", **closed),
    }
    assert cases["published"].authority.code == "310115" and cases["beijing"].authority.code == "110105"
    assert cases["report"].complainant_name == SECRET["name"]  # planted: it must never show
    settings.OMBUD_ANALYTICS_DIR = tmp_path / "store"
    store.refresh(full=True)
    return cases


def _warning(user, scope, path, title, status="published"):
    return ConsumerWarning.objects.create(
        kind="alert", title_zh=title, title_en=f"{title} (en)", body_zh="正文", body_en="Text", scope=scope,
        scope_path=path, status=status, drafted_by=user, drafted_at=dt.datetime(2026, 11, 2, tzinfo=CST),
        published_at=dt.datetime(2026, 11, 3, tzinfo=CST) if status == "published" else None)


def _period(first, last):
    return hs.Period(dt.date(*first, 1), dt.date(*last, 1))


def _rows(panel):
    return [(r["code"], r["n"], r["share"], r["before"], r["change"]) for r in panel["rows"]]


@NOW
def test_goods_services_and_issues_are_ranked_with_shares_and_the_change_on_the_months_before(world):
    f = hs.hotspots(region_code="310115", period=_period((2026, 8), (2026, 10)))
    # August–October: seven complaints in September and three in October (the report is not a complaint)
    assert f["total"] == 10 and f["total_before"] == 3
    assert _rows(f["goods"]) == [("household_electronics", 5, 71.4, 1, 400), ("food", 2, 28.6, 0, None)]
    assert f["goods"]["total"] == 7
    assert _rows(f["services"]) == [("catering_accommodation", 2, 66.7, 2, 0), ("telecom", 1, 33.3, 0, None)]
    issues = _rows(f["issues"])
    assert issues[:2] == [("quality", 5, 50.0, 1, 400), ("contract", 3, 30.0, 2, 50)]
    assert {c for c, *_ in issues} == {"quality", "contract", "after_sales", "price"}  # no report's violation
    # the period before is the same number of months just before: May–July
    assert _period((2026, 8), (2026, 10)).previous() == _period((2026, 5), (2026, 7))
    assert _period((2026, 1), (2026, 2)).previous() == _period((2025, 11), (2025, 12))


@NOW
def test_another_province_is_not_counted(world):
    period = _period((2026, 8), (2026, 10))
    shanghai = hs.hotspots(region_code="310000", period=period)
    assert _rows(shanghai["goods"]) == _rows(hs.hotspots(region_code="310115", period=period)["goods"])
    assert "safety" not in {r["code"] for r in shanghai["issues"]["rows"]}
    beijing = hs.hotspots(region_code="110000", period=period)
    assert _rows(beijing["goods"]) == [("food", 6, 100.0, 0, None)] and beijing["services"]["rows"] == []
    nation = hs.hotspots(region_code="100000", period=period)
    assert {c: n for c, n, *_ in _rows(nation["goods"])}["food"] == 8
    html = Client(headers={"Accept-Language": "en"}).get("/hotspots/", {**PERIOD, "region": "110105"}).content.decode()
    assert 'data-code="food"' in html and 'data-code="household_electronics"' not in html


@NOW
def test_the_page_shows_the_panels_in_chinese_and_in_english(world):
    zh = Client(headers={"Accept-Language": "zh-hans"}).get("/hotspots/", {**PERIOD, "region": "310115"})
    assert zh.status_code == 200 and 'lang="zh-Hans"' in zh.content.decode()
    html = zh.content.decode()
    assert "家用电子电器" in html and "餐饮和住宿服务" in html and "质量" in html
    assert 'data-panel="goods"' in html and 'data-panel="services"' in html and 'data-panel="issues"' in html
    assert 'data-chart="bar"' in html and "echarts" in html and "浦东新区" in html
    assert re.search(r'data-code="household_electronics">.*?data-share>71\.4%.*?data-change><span class="up">\+400%',
                     html, re.DOTALL)
    assert zh["Cache-Control"] == "max-age=300"
    en = Client(headers={"Accept-Language": "en"}).get("/hotspots/", {**PERIOD, "region": "310115"}).content.decode()
    assert 'lang="en"' in en and "Household electronics" in en and "Hot issues" in en and "2026" in en
    assert 'href="/hotspots/"' in Client().get("/").content.decode()  # in the public menu


@NOW
def test_the_default_period_is_the_last_three_whole_months_and_the_picker_follows_the_region(world):
    html = Client().get("/hotspots/", {"region": "310115"}).content.decode()
    assert 'name="from" value="2026-08"' in html and 'name="to" value="2026-10"' in html
    # Shanghai's only prefecture (市辖区) is skipped: province, then its districts
    assert '<option value="310000" selected>' in html and '<option value="310115" selected>' in html
    assert 'type="hidden" name="prefecture" value="310100"' in html
    assert 'data-region="310000"' in html and 'data-region="310100"' not in html  # nor in the trail
    # the picker's levels: a county lying outside the chosen city is dropped, down to the province
    r = Client().get("/hotspots/", {**PERIOD, "province": "330000", "prefecture": "310100", "county": "310115"})
    assert r.status_code == 200 and '<option value="330000" selected>' in r.content.decode()
    assert 'id="h-county"' not in r.content.decode()
    r = Client().get("/hotspots/", {**PERIOD, "province": "330000", "prefecture": "", "county": "330106"})
    assert '<option value="330000" selected>' in r.content.decode() and 'id="h-county"' not in r.content.decode()
    part = Client().get("/hotspots/regions", {"province": "330000", "prefecture": "330100"}).content.decode()
    assert '<option value="330100" selected>' in part and 'value="330106"' in part  # Hangzhou's districts
    # a county right under its province is picked at the city level, with no county level below it
    html = Client().get("/hotspots/", {**PERIOD, "province": "410000", "prefecture": "419001"}).content.decode()
    assert '<option value="419001" selected>' in html and 'id="h-county"' not in html and "济源市</h1>" in html


@NOW
@pytest.mark.parametrize("params, field, words", [
    ({"from": "2026-13"}, "from", "such as 2026-10"),
    ({"from": "autumn"}, "from", "such as 2026-10"),
    ({"from": "2026-10", "to": "2026-08"}, "to", "comes before the first"),
    ({"from": "2026-10", "to": "2026-12"}, "to", "cannot end after this month"),
    ({"from": "2020-01", "to": "2026-10"}, "from", "at most 36 months"),
    ({"region": "999999"}, "region", "no region with the code 999999"),
])
def test_a_wrong_period_or_region_is_named(world, params, field, words):
    r = Client(headers={"Accept-Language": "en"}).get("/hotspots/", params)
    assert r.status_code == 422
    html = r.content.decode()
    assert re.search(rf'id="e-{field}">[^<]*{re.escape(words)}', html), html[:3000]
    assert 'data-panel="goods"' in html and "Cache-Control" not in r  # the default figures, not cached
    if field != "region":
        assert f'id="h-{field}" name="{field}"' in html and 'aria-invalid="true"' in html


@NOW
def test_the_feed_shows_the_region_s_warnings_and_published_complaints_and_never_a_person_or_a_report(world):
    from ombud.disclosure.services import publish_due

    publish_due()  # the feed reads the open complaint database
    user = get_user_model().objects.create_user("jiandu", "j@example.com", "pw")
    shanghai = _warning(user, "310000", "31", "上海预付卡消费提示")
    nationwide = _warning(user, "100000", "", "全国网购消费警示")
    beijing = _warning(user, "110000", "11", "北京餐饮消费提示")
    draft = _warning(user, "310000", "31", "草稿不应公开", status="draft")
    client = Client(headers={"Accept-Language": "zh-hans"})
    html = client.get("/hotspots/", {"region": "310115"}).content.decode()
    for shown in (shanghai, nationwide):
        assert f'data-warning="{shown.pk}"' in html and shown.title_zh in html
    for hidden in (beijing, draft):
        assert f'data-warning="{hidden.pk}"' not in html and hidden.title_zh not in html
    published = world["published"]
    assert f'data-published-complaint="{published.pk}"' in html
    block = html.split(f'data-published-complaint="{published.pk}"')[1].split("</article>")[0]
    assert "2026年10月8日" in block and "食品" in block and "价格" in block and RESPONSE in block
    assert f'/businesses/{published.respondent_id}/' in block and published.respondent.name in block
    for absent in ("too_recent", "open", "report", "beijing"):
        assert f'data-published-complaint="{world[absent].pk}"' not in html, absent
    for secret in (*SECRET.values(), FACTS, world["report"].ticket, published.ticket, "举报相关答复"):
        assert secret not in html, secret
    nation = client.get("/hotspots/").content.decode()
    assert f'data-published-complaint="{world["beijing"].pk}"' in nation and beijing.title_zh in nation
    assert f'data-published-complaint="{world["report"].pk}"' not in nation and SECRET["name"] not in nation
    english = Client(headers={"Accept-Language": "en"}).get("/hotspots/", {"region": "310000"}).content.decode()
    assert f"{shanghai.title_zh} (en)" in english and "Settled by mediation" in english


@NOW
def test_a_rule_without_a_field_does_not_publish_it_and_no_rule_publishes_nothing(world):
    from ombud.disclosure.services import publish_due

    PublicationRule.objects.update(fields=["received", "category"])
    publish_due()
    # without the handling authority the region is not published either, so only the nation's feed has it
    assert hs.recent_published(region_path="310115") == []
    row = [r for r in hs.recent_published(region_path="") if r["id"] == world["published"].pk]
    assert row == [{"id": world["published"].pk, "received": timezone.localtime(world["published"].received_at).date(),
                    "category": "food"}]
    PublicationRule.objects.update(kinds=["report"])  # not allowed by the rule's own check: never listed
    from django.core.cache import cache

    cache.clear()
    assert hs.recent_published(region_path="") == []
    PublicationRule.objects.update(active=False)
    cache.clear()
    assert hs.recent_published(region_path="") == []
