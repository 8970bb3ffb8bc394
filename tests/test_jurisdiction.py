import pytest

from ombud.businesses import uscc
from ombud.businesses.services import register_business
from ombud.cases.models import Case

from .conftest import ON_AN_R2026_DAY, complaint, make_api

pytestmark = [pytest.mark.django_db, ON_AN_R2026_DAY]

R2022_DAY = "2026-03-02T10:00:00+08:00"
R2026_DAY = "2026-06-01T10:00:00+08:00"


@pytest.fixture
def platform():
    return register_business(name="鲸选商城网络科技有限公司", uscc=uscc.make("91330106MA2H3JX01"),
                             kind="platform", registered_address="浙江省杭州市西湖区文三路90号")


@pytest.fixture
def api(db):
    return make_api("integrator")


def _file(api, respondent, received_at=R2026_DAY, **extra):
    body = complaint(respondent=respondent, received_at=received_at, **extra)
    r = api.post("/cases", body)
    assert r.status_code == 201, r.content
    return r.json()


def _routed(data):
    return next(e for e in data["events"] if e["action"] in ("routed", "held_for_dispatch"))


def test_platform_goes_to_its_domicile(api, platform):
    data = _file(api, {"name": platform.name, "uscc": platform.uscc, "address": "北京市朝阳区某路"})
    assert data["authority"]["code"] == "330106"
    assert _routed(data)["data"]["rule"] == "routing.platform"


def test_merchant_goes_where_it_operates(api, platform):
    m = register_business(name="杭州小店", uscc=uscc.make("92330102MA2H3JX02"), kind="merchant", platform=platform,
                          operating_address="浙江省杭州市上城区解放路1号")
    data = _file(api, {"name": m.name, "uscc": m.uscc})
    assert data["authority"]["code"] == "330102"
    assert _routed(data)["data"]["rule"] == "routing.merchant"


@pytest.mark.parametrize("received_at,rule", [(R2026_DAY, "routing.platform_fallback"), (R2022_DAY, "routing.merchant")])
def test_merchant_without_published_address_falls_back_to_the_platform(api, platform, received_at, rule):
    m = register_business(name="无地址小店", uscc=uscc.make("92310115MA1K4XX03"), kind="merchant",
                          platform=platform, operating_address="上海市浦东新区某路", address_published=False)
    data = _file(api, {"name": m.name, "uscc": m.uscc}, received_at=received_at)
    assert data["authority"]["code"] == "330106"
    routed = _routed(data)
    assert routed["data"]["rule"] == rule
    assert routed["article"].startswith(data["rule_set"] + " Art.")


def test_new_merchant_named_with_its_platform(api, platform):
    data = _file(api, {"name": "某网店"}, platform=platform.name)
    # No address for the merchant: the platform's domicile is competent.
    assert data["authority"]["code"] == "330106"
    assert data["platform"] == platform.name


def test_unresolvable_respondent_is_held_for_dispatch(api):
    data = _file(api, {"name": "某公司", "address": "朝阳区建国路88号"})
    assert data["status"] == "pending_dispatch"
    assert data["authority"]["code"] == "100000"
    assert _routed(data)["action"] == "held_for_dispatch"


def test_province_hint_disambiguates(api):
    data = _file(api, {"name": "某公司", "address": "朝阳区建国路88号", "province": "北京市"})
    assert data["authority"]["code"] == "110105" and data["status"] == "received"


@pytest.mark.parametrize("respondent,violation,code,rule", [
    # An ordinary report goes where the conduct occurred, not to the respondent's county.
    ({"name": "某连锁超市", "address": "上海市浦东新区张江路1号"}, "price", "320102", "routing.report"),
    # An advertising report goes to the publisher, not where the conduct occurred.
    ({"name": "某广告发布者", "address": "广东省广州市天河区体育西路1号"}, "advertising", "440106",
     "routing.advertising"),
])
def test_reports_follow_their_own_rules(api, respondent, violation, code, rule):
    body = {"kind": "report", "respondent": respondent, "conduct_address": "江苏省南京市玄武区中山路1号",
            "violation_type": violation, "facts": "经营者涉嫌违法"}
    data = api.post("/cases", body).json()
    assert data["authority"]["code"] == code
    assert _routed(data)["data"]["rule"] == rule


def test_rule_set_follows_the_date_of_receipt(api):
    before = _file(api, {"name": "甲", "address": "上海市浦东新区张江路"}, received_at="2026-04-14T23:59:00+08:00")
    after = _file(api, {"name": "甲", "address": "上海市浦东新区张江路"}, received_at="2026-04-15T00:00:00+08:00")
    assert (before["rule_set"], after["rule_set"]) == ("R2022", "R2026")
    assert Case.objects.filter(respondent__name="甲").values("respondent").distinct().count() == 1
