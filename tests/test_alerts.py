"""Early-warning alerts and consumer warnings (ombud.alerts).

Detection reads the analytical store: a synthetic year is the baseline, a flat series and a spike are added
as cases, and the alerts must name exactly the spiked business, goods/issue and regions. The supervisors'
queue is limited to their own region; a warning is drafted, approved by a second person (never the drafter),
published, and read on the public site in Chinese and in English.
"""
import datetime as dt
import io
import itertools
import json
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from ombud.accounts.models import Profile
from ombud.alerts import detection, selectors
from ombud.alerts.models import Alert, ConsumerWarning, DetectionRule, WarningEvent
from ombud.analytics import store, synth
from ombud.businesses.services import register_business
from ombud.cases.models import Case, CaseEvent

from .conftest import CST, frozen
from .test_chinese_pages import english_in
from .workflow_helpers import odr_business, signed_in

pytestmark = pytest.mark.django_db

NOW = frozen(2026, 11, 16, 10)  # a Monday: detection checks Sunday 15 November
DAY = dt.date(2026, 11, 15)
DEFAULT_RULES = {"respondent": 10, "category": 10, "region": 10}


@pytest.fixture
def rules(db):
    """The data migration's rules (a flush by another test's transactional database would have removed them)."""
    for level, least in DEFAULT_RULES.items():
        DetectionRule.objects.get_or_create(level=level, method="farrington_dow",
                                            defaults={"min_count": least, "window": 100})


_numbers = itertools.count(1)


def _copies(case, n, *, day, respondent=None, hour=14):
    """n new complaints like `case`, received on local `day`, each with its 'received' event: the store's
    incremental refresh follows the event-id watermark."""
    skip = {"id", "ticket", "idempotency_scope", "idempotency_key", "external_id", "created_at", "source"}
    fields = {f.attname: getattr(case, f.attname) for f in Case._meta.concrete_fields if f.name not in skip}
    rows = []
    for i in range(n):
        at = dt.datetime.combine(day, dt.time(hour, i % 60), tzinfo=CST)
        row = Case(**{**fields, "received_at": at, "ticket": f"98{next(_numbers):011d}", "source": "test"})
        if respondent is not None:
            row.respondent_id = respondent
        rows.append(row)
    made = Case.objects.bulk_create(rows)
    CaseEvent.objects.bulk_create([CaseEvent(case=c, at=c.received_at, action="received", actor_label="test",
                                             to_status=c.status, authority_id=c.authority_id) for c in made])
    return made


def _main(html):
    """What this app renders: the page's <main> (the header's menu belongs to the site)."""
    m = re.search(r"<main\b.*?</main>", html, re.S)
    return m.group(0) if m else html


def _province(code):
    return code[:2] + "0000"


@NOW
def test_a_spike_raises_alerts_at_every_level_and_a_flat_series_none(settings, tmp_path, rules):
    settings.OMBUD_ANALYTICS_DIR = tmp_path / "store"
    synth.run(year=2026, cases=4000, seed=3, as_of=dt.datetime(2026, 11, 16, 10, tzinfo=CST))
    # the case to copy: an offline complaint handled by a county bureau outside the municipalities
    model = (Case.objects.filter(source=synth.SOURCE, kind="complaint", platform=None, authority__level=3)
             .exclude(respondent=None).exclude(category="").exclude(issue_type="")
             .exclude(authority__code__regex=r"^(11|12|31|50)").select_related("authority").first())
    assert model is not None
    # a flat series: a business of its own with exactly two complaints a day for 100 days
    flat = register_business(name="平稳百货商行", registered_address="南京市玄武区中山路1号").pk
    for k in range(100):
        _copies(model, 2, day=DAY - dt.timedelta(days=k), respondent=flat, hour=9)
    store.refresh(full=True)

    quiet = detection.detect(day=DAY)
    assert quiet.checked["respondent"] >= 1 and quiet.checked["region"] > 20 and quiet.checked["category"] >= 1
    assert not quiet.behind
    window = selectors.respondent_series(start=DAY - dt.timedelta(days=99), end=DAY, min_count=10)
    assert sum(window[str(flat)].counts.values()) == 200  # checked, and
    assert not Alert.objects.filter(level="respondent", key=str(flat)).exists()  # quiet

    # the spike: 60 more complaints about one business, one goods/issue, in one county, on the day
    _copies(model, 60, day=DAY)
    assert store.refresh()["cases"] == 60  # incremental, by the event watermark
    out = io.StringIO()
    call_command("alerts", "detect", "--day", DAY.isoformat(), stdout=out)
    assert "series checked" in out.getvalue() and "alerts raised" in out.getvalue()

    county = model.authority.region_id
    province, prefecture = _province(county), county[:4] + "00"
    raised = {(a.level, a.key): a for a in Alert.objects.filter(day=DAY)}
    business = raised.get(("respondent", str(model.respondent_id)))
    assert business is not None and business.observed >= 60 and business.observed > business.threshold
    assert business.expected < 5 and business.method == "farrington_dow" and business.status == "open"
    handled = set(Case.objects.filter(respondent_id=model.respondent_id, kind="complaint",
                                      received_at__gte=dt.datetime.combine(DAY - dt.timedelta(days=99), dt.time(),
                                                                           tzinfo=CST))
                  .values_list("authority__region_id", flat=True))
    assert business.scope == (province if {_province(c) for c in handled} == {province} else "100000")
    goods = raised[("category", f"{model.category}:{model.issue_type}")]
    assert goods.scope == "100000" and goods.scope_path == "" and goods.observed >= 60
    region = raised[("region", province)]
    assert region.scope == province and region.scope_path == province[:2]
    assert raised[("region", prefecture)].scope == province
    # the chart's series: the last 60 days, ending with the day
    assert len(business.series) == 60 and business.series[-1]["day"] == DAY.isoformat()
    assert business.series[-1]["n"] == business.observed and business.series[-1]["threshold"] is not None
    # the flat business is still quiet; nothing is raised about another business or goods/issue
    assert ("respondent", str(flat)) not in raised
    assert {k for k in raised if k[0] != "region"} == {("respondent", str(model.respondent_id)),
                                                       ("category", f"{model.category}:{model.issue_type}")}

    # running the day again raises nothing new and leaves decided alerts alone
    Alert.objects.filter(pk=business.pk).update(status="dismissed", reason="已核实")
    again = detection.detect(day=DAY)
    assert again.alerts == 0 and Alert.objects.get(pk=business.pk).status == "dismissed"

    # the province's supervisor sees the regional alerts; another province's supervisor sees none of them
    mine, _ = signed_in("sheng", "supervisor", authority=province)
    other_code = "440000" if province != "440000" else "320000"
    other, _ = signed_in("waisheng", "supervisor", authority=other_code)
    html = mine.get("/desk/alerts/?status=all").content.decode()
    assert f'data-alert="{region.pk}"' in html and f'data-alert="{goods.pk}"' not in html
    assert f'data-alert="{region.pk}"' not in other.get("/desk/alerts/?status=all").content.decode()
    assert other.get(f"/desk/alerts/{region.pk}/").status_code == 404


def test_the_daily_task_is_scheduled_at_half_past_six_local():
    from ombud.alerts import tasks

    task = tasks.detect_daily.task_class()
    assert task.validate_datetime(dt.datetime(2026, 11, 15, 22, 30))  # UTC, the worker's clock: 06:30 in Shanghai
    assert not task.validate_datetime(dt.datetime(2026, 11, 16, 6, 30))


@NOW
def test_detection_with_an_empty_store_says_it_is_behind(settings, tmp_path, rules):
    settings.OMBUD_ANALYTICS_DIR = tmp_path / "empty"
    summary = detection.detect()
    assert summary.day == DAY and summary.series == 0 and summary.alerts == 0 and summary.behind


# ---- the desk ---------------------------------------------------------------------------------

def _series(observed, expected=2.0, threshold=7.0):
    days = [DAY - dt.timedelta(days=59 - i) for i in range(60)]
    return [{"day": d.isoformat(), "n": observed if d == DAY else 2, "expected": expected if i >= 23 else None,
             "threshold": threshold if i >= 23 else None} for i, d in enumerate(days)]


def make_alert(level="region", key="310000", scope="310000", observed=40, **extra):
    from ombud.regions.services import path_of

    return Alert.objects.create(level=level, key=key, scope=scope, scope_path=path_of(scope), day=DAY,
                                observed=observed, expected=2.0, threshold=7.0, statistic=12.5,
                                method="farrington_dow", series=_series(observed), **extra)


@pytest.fixture
def people(db):
    business = odr_business()
    return {"business": business,
        "shanghai": signed_in("hu", "supervisor", authority="310000", name="周强"),
        "shanghai2": signed_in("hu2", "supervisor", authority="310000", name="吴敏"),
        "jiangsu": signed_in("su", "supervisor", authority="320000", name="郑洁"),
        "nation": signed_in("guo", "supervisor", authority="100000", name="孙立"),
        "handler": signed_in("ban", "handler", authority="310115", name="李明"),
        "en": signed_in("hu_en", "supervisor", authority="310000", name="Zhou", language="en"),
    }


def test_a_supervisor_sees_only_the_alerts_of_their_region(people):
    shanghai = make_alert()
    jiangsu = make_alert(key="320100", scope="320000")
    national = make_alert(level="category", key="household_electronics:quality", scope="100000")
    sh, su, guo = people["shanghai"][0], people["jiangsu"][0], people["nation"][0]
    html = sh.get("/desk/alerts/").content.decode()
    assert f'data-alert="{shanghai.pk}"' in html
    assert f'data-alert="{jiangsu.pk}"' not in html and f'data-alert="{national.pk}"' not in html
    assert "上海市" in html and "×20.0" in html  # the region by name; 40 against 2 expected
    assert sh.get(f"/desk/alerts/{jiangsu.pk}/").status_code == 404
    assert sh.post(f"/desk/alerts/{jiangsu.pk}/dismiss", {"reason": "不是我的"}).status_code == 404
    assert Alert.objects.get(pk=jiangsu.pk).status == "open"
    html = su.get("/desk/alerts/").content.decode()
    assert f'data-alert="{jiangsu.pk}"' in html and f'data-alert="{shanghai.pk}"' not in html
    html = guo.get("/desk/alerts/").content.decode()
    assert all(f'data-alert="{a.pk}"' in html for a in (shanghai, jiangsu, national))
    assert "家用电子电器 · 质量" in html  # category and issue in the reader's language
    # handlers have no alert queue
    assert people["handler"][0].get("/desk/alerts/").status_code == 404
    assert Client().get("/desk/alerts/").status_code == 302  # to the sign-in page


def test_the_alert_page_charts_the_series_and_a_dismissal_needs_a_reason(people):
    alert = make_alert()
    sh, sh_user = people["shanghai"]
    html = sh.get(f"/desk/alerts/{alert.pk}/").content.decode()
    assert '<div class="chart" data-chart="line" data-source="alert-chart" data-height="320"></div>' in html
    assert '<script id="alert-chart" type="application/json">' in html
    assert "vendor/echarts-6.1.0.min.js" in html and "ombud/charts.js" in html and "<script>" not in html
    data = json.loads(re.search(r'<script id="alert-chart" type="application/json">(.*?)</script>', html, re.S)[1])
    assert data["x"][-1] == DAY.isoformat() and len(data["x"]) == 60
    assert [s.get("dashed", False) for s in data["series"]] == [False, True, True]
    assert data["series"][0]["data"][-1] == 40 and data["series"][2]["data"][0] is None
    assert data["title"] and data["empty"] and "上海市" in data["title"]

    r = sh.post(f"/desk/alerts/{alert.pk}/dismiss", {"reason": "  "})
    assert r.status_code == 422 and "请说明排除此预警的理由" in r.content.decode()
    assert english_in(_main(r.content.decode())) == []
    assert Alert.objects.get(pk=alert.pk).status == "open"
    r = sh.post(f"/desk/alerts/{alert.pk}/dismiss", {"reason": "系当地商场促销引起的集中咨询"})
    assert r.status_code == 302
    alert.refresh_from_db()
    assert alert.status == "dismissed" and alert.decided_by == sh_user and alert.reason.startswith("系当地")
    assert f'data-alert="{alert.pk}"' not in sh.get("/desk/alerts/").content.decode()  # open ones only
    assert f'data-alert="{alert.pk}"' in sh.get("/desk/alerts/?status=dismissed").content.decode()
    r = sh.post(f"/desk/alerts/{alert.pk}/dismiss", {"reason": "再次"})
    assert r.status_code == 422 and "已经处理" in r.content.decode()


def _publish_flow(people):
    alert = make_alert(level="respondent", key=str(people["business"].pk), scope="310000")
    (sh, me), (sh2, colleague) = people["shanghai"], people["shanghai2"]
    r = sh.post(f"/desk/alerts/{alert.pk}/draft")
    assert r.status_code == 302
    warning = ConsumerWarning.objects.get(source_alert=alert)
    assert r["Location"] == f"/desk/warnings/{warning.pk}/"
    alert.refresh_from_db()
    assert alert.status == "warned" and alert.decided_by == me
    assert warning.status == "draft" and warning.drafted_by == me and warning.scope == "310000"
    assert warning.title_zh.startswith("消费提示") and warning.title_en.startswith("Consumer tip")
    assert "40" in warning.body_zh and "40" in warning.body_en and warning.articles == ["IR Art. 27"]
    return alert, warning, sh, sh2, colleague


def test_a_warning_is_approved_by_a_second_person_then_published(people):
    alert, warning, sh, sh2, colleague = _publish_flow(people)
    # four eyes: the drafter cannot approve
    html = sh.get(f"/desk/warnings/{warning.pk}/").content.decode()
    assert "另一名监管人员" in html and f"/desk/warnings/{warning.pk}/approve" not in html
    r = sh.post(f"/desk/warnings/{warning.pk}/approve")
    assert r.status_code == 422 and "另一名监管人员" in r.content.decode()
    warning.refresh_from_db()
    assert warning.status == "draft" and warning.approved_by is None
    # nor publish before approval
    r = sh2.post(f"/desk/warnings/{warning.pk}/publish")
    assert r.status_code == 422 and ConsumerWarning.objects.get(pk=warning.pk).status == "draft"
    assert sh2.post(f"/desk/warnings/{warning.pk}/approve").status_code == 302
    warning.refresh_from_db()
    assert warning.status == "approved" and warning.approved_by == colleague and warning.approved_at
    assert sh.post(f"/desk/warnings/{warning.pk}/publish").status_code == 302
    warning.refresh_from_db()
    assert warning.status == "published" and warning.published_at
    assert [e.action for e in warning.events.all()] == ["drafted", "approved", "published"]
    assert [e.actor for e in warning.events.all()] == [warning.drafted_by, colleague, warning.drafted_by]

    # the public reads it in its own language
    zh = Client(headers={"Accept-Language": "zh-hans"})
    en = Client(headers={"Accept-Language": "en"})
    html = zh.get("/warnings/").content.decode()
    assert warning.title_zh in html and warning.title_en not in html and "消费提示" in html
    assert english_in(_main(html), {warning.title_zh}) == []
    html = en.get("/warnings/").content.decode()
    assert warning.title_en in html and warning.title_zh not in html
    html = zh.get(f"/warnings/{warning.pk}/").content.decode()
    assert warning.title_zh in html and "《中华人民共和国消费者权益保护法实施条例》第二十七条" in html
    assert english_in(_main(html), {warning.title_zh, warning.body_zh}) == []
    html = en.get(f"/warnings/{warning.pk}/").content.decode()
    assert warning.title_en in html and "Art. 27 of the Regulations for the Implementation" in html
    assert warning.body_zh[:20] not in html
    # events are append-only, in the model and in the database
    event = warning.events.first()
    with pytest.raises(RuntimeError):
        event.save()
    from django.db import DatabaseError, transaction

    with pytest.raises(DatabaseError), transaction.atomic():
        WarningEvent.objects.filter(pk=event.pk).update(note="改写")


def test_a_withdrawn_warning_leaves_the_public_site(people):
    alert, warning, sh, sh2, colleague = _publish_flow(people)
    sh2.post(f"/desk/warnings/{warning.pk}/approve")
    sh2.post(f"/desk/warnings/{warning.pk}/publish")
    assert Client().get(f"/warnings/{warning.pk}/").status_code == 200
    r = sh.post(f"/desk/warnings/{warning.pk}/withdraw", {"note": ""})
    assert r.status_code == 422 and "请说明撤回" in r.content.decode()
    r = sh.post(f"/desk/warnings/{warning.pk}/withdraw", {"note": "经营者已整改"})
    assert r.status_code == 302
    warning.refresh_from_db()
    assert warning.status == "withdrawn" and warning.withdrawn_at
    assert Client().get(f"/warnings/{warning.pk}/").status_code == 404
    assert warning.title_zh not in Client().get("/warnings/").content.decode()
    assert warning.events.last().note == "经营者已整改"
    # another province's supervisor cannot reach it at all
    assert people["jiangsu"][0].get(f"/desk/warnings/{warning.pk}/").status_code == 404


def test_a_new_warning_needs_its_texts_and_both_languages_before_approval(people):
    (sh, _me), (sh2, _) = people["shanghai"], people["shanghai2"]
    r = sh.post("/desk/warnings/new/", {"kind": "tip", "title_zh": "", "body_zh": "", "title_en": "x" * 201})
    html = r.content.decode()
    assert r.status_code == 422 and "请填写中文标题" in html and "请填写中文正文" in html and "最多200个字" in html
    assert english_in(_main(html), {"x" * 201}) == []
    r = sh.post("/desk/warnings/new/", {"kind": "warning", "title_zh": "标题", "body_zh": "正文"})
    assert r.status_code == 422 and "请选择消费提示或消费警示" in r.content.decode()
    r = sh.post("/desk/warnings/new/", {"kind": "alert", "title_zh": "警惕预付式消费“跑路”风险",
                                        "body_zh": "近期部分健身场所关门停业，请谨慎办理预付卡。"})
    assert r.status_code == 302
    warning = ConsumerWarning.objects.get(title_zh="警惕预付式消费“跑路”风险")
    assert warning.kind == "alert" and warning.status == "draft" and warning.scope == "310000"
    # the English is missing: no approval yet, and the reason is named per field
    r = sh2.post(f"/desk/warnings/{warning.pk}/approve")
    html = r.content.decode()
    assert r.status_code == 422 and "请填写英文标题" in html and "请填写英文正文" in html
    assert ConsumerWarning.objects.get(pk=warning.pk).status == "draft"
    r = sh.post(f"/desk/warnings/{warning.pk}/edit", {
        "kind": "alert", "title_zh": warning.title_zh, "body_zh": warning.body_zh,
        "title_en": "Beware of prepaid gyms closing down",
        "body_en": "Some gyms have closed recently: think twice before buying a prepaid card."})
    assert r.status_code == 302
    assert sh2.post(f"/desk/warnings/{warning.pk}/approve").status_code == 302
    warning.refresh_from_db()
    assert warning.status == "approved" and [e.action for e in warning.events.all()] == ["drafted", "edited", "approved"]
    # an approved warning is not edited any more
    r = sh.post(f"/desk/warnings/{warning.pk}/edit", {"kind": "tip", "title_zh": "改", "body_zh": "改"})
    assert r.status_code == 422 and ConsumerWarning.objects.get(pk=warning.pk).title_zh != "改"


def test_every_page_is_chinese_in_chinese_and_english_in_english(people):
    alert = make_alert()
    other = make_alert(level="respondent", key=str(people["business"].pk), scope="310000")
    make_alert(level="category", key="prepaid:contract", scope="310000")
    sh = people["shanghai"][0]
    sh.post(f"/desk/alerts/{alert.pk}/draft")
    warning = ConsumerWarning.objects.get()
    data = {warning.title_zh, warning.body_zh, "hu", "hu2"}
    pages = ["/desk/alerts/", "/desk/alerts/?status=all", f"/desk/alerts/{alert.pk}/", "/desk/warnings/",
             "/desk/warnings/new/", f"/desk/warnings/{warning.pk}/"]
    found = {}
    for url in pages:
        r = sh.get(url)
        assert r.status_code == 200, url
        english = english_in(_main(r.content.decode()), data)
        if english:
            found[url] = english
    # the draft's detail page shows the English text in its form: only the English fields' values may be English
    found.pop(f"/desk/warnings/{warning.pk}/", None)
    html = sh.get(f"/desk/warnings/{warning.pk}/").content.decode()
    assert english_in(_main(html), data | {warning.title_en, warning.body_en}) == []
    assert found == {}
    en = people["en"][0]
    html = en.get("/desk/alerts/?status=all").content.decode()
    assert "Early-warning alerts" in html and "Prepaid consumption · Contract" in html
    html = en.get(f"/desk/alerts/{other.pk}/").content.decode()
    assert "Dismiss the alert" in html and "quasi-Poisson" in html and "Complaints per day" in html
    html = en.get(f"/desk/alerts/{alert.pk}/").content.decode()  # a draft was made from it: its English title
    assert warning.title_en in html and warning.title_zh not in html


def test_the_admin_lists_are_chinese(people):
    make_alert()
    admin = get_user_model().objects.create_superuser("root", "root@example.com", "pw")
    Profile.objects.create(user=admin, role="admin", language="zh-hans")
    client = Client(headers={"Accept-Language": "zh-hans"})
    client.force_login(admin)
    DetectionRule.objects.get_or_create(level="region", method="farrington_dow")
    for url in ("/admin/alerts/detectionrule/", "/admin/alerts/alert/", "/admin/alerts/consumerwarning/"):
        r = client.get(url)
        assert r.status_code == 200, url
        assert english_in(_main(r.content.decode()), {"root", "Search", "True", "False"}) == [], url


def test_a_prefecture_supervisor_sees_and_acts_on_the_alerts_about_their_prefecture(people):
    nanjing = make_alert(key="320100", scope="320000")
    jiangsu = make_alert(key="320000", scope="320000")
    client, _ = signed_in("ning", "supervisor", authority="320100")
    html = client.get("/desk/alerts/").content.decode()
    assert f'data-alert="{nanjing.pk}"' in html and f'data-alert="{jiangsu.pk}"' not in html
    assert client.post(f"/desk/alerts/{nanjing.pk}/draft").status_code == 302
    warning = ConsumerWarning.objects.get(source_alert=nanjing)
    assert warning.scope == "320100" and client.get(f"/desk/warnings/{warning.pk}/").status_code == 200
    assert people["jiangsu"][0].get(f"/desk/warnings/{warning.pk}/").status_code == 200  # the province above
    assert people["shanghai"][0].get(f"/desk/warnings/{warning.pk}/").status_code == 404


def test_a_rule_refuses_parameters_its_method_does_not_take(rules):
    from django.core.exceptions import ValidationError

    rule = DetectionRule.objects.get(level="region", method="farrington_dow")
    rule.params = {"alpah": 0.01}
    with pytest.raises(ValidationError) as caught:
        rule.full_clean()
    assert "alpah" in str(caught.value)
    rule.params = {"alpha": 0.05, "min_count": 5}
    rule.full_clean()
