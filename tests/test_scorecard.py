"""The consumer-environment scorecard (消费环境评价): every indicator equals the case tables, an unrated
complaint is never satisfied, ranks and composites follow the published formula (and a new version of it),
each supervisor sees only their own area, the CSV is the table, and the Chinese page has no English."""
import csv
import datetime as dt
import io
import json
import re
from html import unescape

import pytest
from django.db.models import Sum
from django.utils import timezone

from ombud.analytics import calibration, scorecard, store, synth
from ombud.analytics.models import ScorecardFormula
from ombud.cases.models import Case
from ombud.workflow.models import CaseDeadline

from .conftest import frozen
from .test_chinese_pages import english_in
from .workflow_helpers import signed_in

pytestmark = pytest.mark.django_db
START, END = dt.date(2023, 1, 1), dt.date(2023, 12, 31)
YEAR = "start=2023-01-01&end=2023-12-31"
NATION = "100000"
FINISHED = ("closed", "refused", "withdrawn")


@pytest.fixture
def years(settings, tmp_path):
    settings.OMBUD_ANALYTICS_DIR = tmp_path / "store"
    synth.run(year=2022, cases=3000, seed=31, as_of=dt.datetime(2023, 4, 1, tzinfo=synth.CST))
    synth.run(year=2023, cases=4000, seed=31, as_of=dt.datetime(2024, 4, 1, tzinfo=synth.CST))
    store.refresh(full=True)
    return Case.objects.filter(source=synth.SOURCE)


def _complaints_2023(path):
    tz = timezone.get_current_timezone()
    return Case.objects.filter(kind="complaint", authority__path__startswith=path,
                               received_at__gte=dt.datetime(2023, 1, 1, tzinfo=tz),
                               received_at__lt=dt.datetime(2024, 1, 1, tzinfo=tz))


def _busiest_province(cases):
    counts = {}
    for path in cases.filter(kind="complaint").values_list("authority__path", flat=True):
        counts[path[:2]] = counts.get(path[:2], 0) + 1
    return max(counts, key=counts.get) + "0000"


def _clock(cases, steps):
    """(decided, on time) of a clock, read from the deadlines one case at a time."""
    per_case = {}
    for case_id, due, met in CaseDeadline.objects.filter(case__in=cases, step__in=steps).values_list(
            "case_id", "due", "met_at"):
        d, m = per_case.get(case_id, (None, None))
        per_case[case_id] = (max(filter(None, [d, due]), default=None), max(filter(None, [m, met]), default=None))
    decided = [(d, m) for d, m in per_case.values() if m is not None]
    return len(decided), sum(1 for d, m in decided if m <= d)


def _expected(cases, province):
    n = cases.count()
    a_decided, a_on_time = _clock(cases, ["acceptance"])
    c_decided, c_on_time = _clock(cases, ["mediation", "verification"])
    agreed = cases.filter(outcome="agreement").count()
    ended = cases.filter(outcome__in=["agreement", "terminated"]).count()
    finished = cases.filter(status__in=FINISHED)
    recovered = cases.aggregate(s=Sum("amount_recovered"))["s"] or 0
    return {
        "complaints_per_10k": n / calibration.PROVINCE_POPULATION[province[:2]],
        "acceptance_timeliness": 100 * a_on_time / a_decided,
        "closing_timeliness": 100 * c_on_time / c_decided,
        "mediation_success": 100 * agreed / ended,
        "recovered_per_complaint": float(recovered) / n,
        "satisfaction": 100 * finished.filter(rating_handling__gte=4).count() / finished.count(),
        "odr_coverage": 100 * cases.filter(odr_lane=True).count() / n,
    }


def _row(card, code):
    return next(r for r in card["rows"] if r["code"] == code)


def _formula(**weights):
    return ScorecardFormula(version=99, weights=weights, normalisation="minmax")


@frozen(2026, 11, 16, 10)
def test_every_indicator_equals_the_case_tables(years):
    province = _busiest_province(years)
    cases = _complaints_2023(province[:2])
    card = scorecard.build(NATION, START, END, scorecard.current_formula())
    row = _row(card, province)
    expected = _expected(cases, province)
    assert row["n"] == cases.count()
    assert row["values"] == pytest.approx(expected, rel=1e-9)
    assert 0 < row["values"]["satisfaction"] < 100 and 0 < row["values"]["odr_coverage"] < 100
    # the page prints the same figures, each with its numerator ÷ denominator as a tooltip
    client, _user = signed_in("sup_nation", "supervisor", authority=NATION, language="en")
    html = client.get(f"/desk/analytics/scorecard/?region={NATION}&{YEAR}").content.decode()
    cells = _table(html)[province]
    for i, (key, value) in enumerate(expected.items()):  # after code, name and complaints, in the published order
        assert cells[3 + i] == scorecard.INDICATORS[key].format(value), key
    assert f'title="{cases.count()} ÷ {cases.count()}"' not in html  # a ratio of a thing to itself would be a bug


@frozen(2026, 11, 16, 10)
def test_an_unrated_finished_complaint_counts_as_not_satisfied(years):
    province = _busiest_province(years)
    cases = _complaints_2023(province[:2])
    finished = cases.filter(status__in=FINISHED)
    satisfied, rated = finished.filter(rating_handling__gte=4).count(), finished.exclude(rating_handling=None).count()
    assert finished.filter(rating_handling=None).exists()  # some consumers never rate
    before = _row(scorecard.build(NATION, START, END, scorecard.current_formula()), province)["values"]["satisfaction"]
    assert before == pytest.approx(100 * satisfied / finished.count())
    assert before < 100 * satisfied / rated  # not "satisfied ÷ rated"
    # one more finished complaint, never rated: the rate falls
    copy = finished.filter(rating_handling=None, status="closed").first()
    copy.pk, copy.ticket, copy.idempotency_key, copy.idempotency_scope, copy.external_id = (
        None, "T2023SCORE0001", None, None, None)
    copy.save()
    store.refresh(full=True)
    after = _row(scorecard.build(NATION, START, END, scorecard.current_formula()), province)["values"]["satisfaction"]
    assert after == pytest.approx(100 * satisfied / (finished.count()))  # the queryset counts the copy too
    assert after < before


@frozen(2026, 11, 16, 10)
def test_ranks_composites_and_the_direction_of_each_indicator(years):
    formula = scorecard.current_formula()
    assert formula.version == 1 and formula.published_on and formula.normalisation == "minmax"
    province = _busiest_province(years)
    for region in (NATION, province):
        card = scorecard.build(region, START, END, formula)
        rows = card["rows"]
        assert len(rows) > 2
        assert sorted(r["rank"] for r in rows) == list(range(1, len(rows) + 1))
        by_rank = sorted(rows, key=lambda r: r["rank"])
        assert all(a["composite"] >= b["composite"] for a, b in zip(by_rank, by_rank[1:]))
        assert all(0 <= r["composite"] <= 100 for r in rows)
    # A municipality's peers are its districts, past the level that only repeats it (310100 is again 上海市).
    shanghai = scorecard.build("310000", START, END, formula)["rows"]
    assert len(shanghai) > 1 and all(r["code"].startswith("3101") and r["code"] != "310100" for r in shanghai)
    district = min(shanghai, key=lambda r: r["rank"])
    assert scorecard.trend(district["code"], START, END, formula)["years"][1]["rank"] == 1
    # Only the per-10,000 figure: lower is better, so the lowest rate scores 100 and the highest 0.
    rows = scorecard.build(NATION, START, END, _formula(complaints_per_10k=1))["rows"]
    low = min(rows, key=lambda r: r["values"]["complaints_per_10k"])
    high = max(rows, key=lambda r: r["values"]["complaints_per_10k"])
    assert low["composite"] == 100 and low["rank"] == 1 and high["composite"] == 0 and high["rank"] == len(rows)
    # Satisfaction: higher is better.
    rows = scorecard.build(NATION, START, END, _formula(satisfaction=1))["rows"]
    assert max(rows, key=lambda r: r["values"]["satisfaction"])["composite"] == 100
    assert min(rows, key=lambda r: r["values"]["satisfaction"])["composite"] == 0
    # Below province level there is no population: the figure is absent and the composite leaves it out.
    rows = scorecard.build(province, START, END, _formula(complaints_per_10k=1, satisfaction=1))["rows"]
    assert all(r["values"]["complaints_per_10k"] is None for r in rows)
    satisfaction = scorecard.build(province, START, END, _formula(satisfaction=1))["rows"]
    assert {r["code"]: r["composite"] for r in rows} == {r["code"]: r["composite"] for r in satisfaction}
    # Rank scaling: the same order on one indicator, evenly spaced.
    rows = scorecard.build(NATION, START, END, ScorecardFormula(version=98, weights={"odr_coverage": 1},
                                                                normalisation="rank"))["rows"]
    assert all(0 <= r["composite"] <= 100 for r in rows)
    assert [r["code"] for r in sorted(rows, key=lambda r: r["rank"])] == [
        r["code"] for r in sorted(rows, key=lambda r: (-r["values"]["odr_coverage"], r["code"]))]


@frozen(2026, 11, 16, 10)
def test_a_new_formula_version_changes_the_composite_and_a_published_one_cannot_change(years):
    v1 = scorecard.current_formula()
    first = {r["code"]: r["composite"] for r in scorecard.build(NATION, START, END, v1)["rows"]}
    admin, _user = signed_in("root_admin", "admin", authority=NATION, language="en")
    _user.is_staff = _user.is_superuser = True
    _user.save()
    form = {"version": "1", "weights": json.dumps({"satisfaction": 1}), "normalisation": "minmax",
            "published_on": v1.published_on.isoformat(), "active": "on", "notes": v1.notes}
    r = admin.post(f"/admin/analytics/scorecardformula/{v1.pk}/change/", form)
    assert r.status_code == 200 and b"is published" in r.content  # refused, shown on the form
    v1.refresh_from_db()
    assert v1.weights != {"satisfaction": 1}
    r = admin.post(f"/admin/analytics/scorecardformula/{v1.pk}/change/", {**form, "version": "2", "_saveasnew": "1"})
    assert r.status_code == 302, r.content.decode()[:3000]
    v2 = ScorecardFormula.objects.get(version=2)
    assert v2.weights == {"satisfaction": 1} and ScorecardFormula.objects.get(version=1).weights == v1.weights
    assert scorecard.current_formula() == v2  # the active version with the highest number
    second = {r["code"]: r["composite"] for r in scorecard.build(NATION, START, END, v2)["rows"]}
    assert second != first and set(second) == set(first)
    client, _u = signed_in("sup_versions", "supervisor", authority=NATION, language="en")
    html = client.get(f"/desk/analytics/scorecard/?{YEAR}").content.decode()
    assert "Formula version 2" in html and "complaints per 10,000 residents" not in html.split('id="formula"')[1]
    old = client.get(f"/desk/analytics/scorecard/?{YEAR}&version=1").content.decode()
    assert "Formula version 1" in old and "complaints per 10,000 residents" in old
    assert client.get(f"/desk/analytics/scorecard/?{YEAR}&version=7").status_code == 400
    # the admin pages open in Chinese with Chinese labels
    admin_zh, root = signed_in("root_zh", "admin", authority=NATION, language="zh-hans")
    root.is_staff = root.is_superuser = True
    root.save()
    for url in ("/admin/analytics/scorecardformula/", "/admin/analytics/scorecardformula/add/"):
        page = admin_zh.get(url)
        assert page.status_code == 200
        labels = re.findall(r"<label[^>]*>(.*?)</label>", page.content.decode(), re.S)
        assert english_in(" ".join(labels)) == [], url


@frozen(2026, 11, 16, 10)
def test_a_province_supervisor_sees_only_their_province(years):
    client, _user = signed_in("sup_zj_score", "supervisor", authority="330000", language="en")
    r = client.get(f"/desk/analytics/scorecard/?{YEAR}")
    assert r.status_code == 200
    assert all(code.startswith("33") for code in _table(r.content.decode()))
    for url in (f"/desk/analytics/scorecard/?region=110000&{YEAR}", f"/desk/analytics/scorecard.csv?region=110000&{YEAR}"):
        denied = client.get(url)
        assert denied.status_code == 400 and b"outside your area" in denied.content
    # its own rank among the provinces is shown; the other provinces' figures are not
    assert "among its peers" in r.content.decode()
    handler, _u = signed_in("handler_zj_score", "handler", authority="330000")
    assert handler.get("/desk/analytics/scorecard/").status_code == 404
    assert handler.get("/desk/analytics/scorecard.csv").status_code == 404


@frozen(2026, 11, 16, 10)
def test_the_csv_is_the_table_in_every_order(years):
    client, _user = signed_in("sup_csv_score", "supervisor", authority=NATION, language="en")
    for sort in ("rank", "-satisfaction", "complaints_per_10k", "name"):
        html = client.get(f"/desk/analytics/scorecard/?{YEAR}&sort={sort}").content.decode()
        table = _table(html)
        body = client.get(f"/desk/analytics/scorecard.csv?{YEAR}&sort={sort}").content.decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(body)))
        assert rows[0][:3] == ["division code", "region", "complaints"] and rows[0][-2:] == [
            "composite score (0–100)", "rank"]
        assert [r[0] for r in rows[1:]] == list(table)  # the same order
        assert {r[0]: [c or "—" for c in r] for r in rows[1:]} == table
    html = client.get(f"/desk/analytics/scorecard/?{YEAR}&sort=-satisfaction").content.decode()
    values = [float(cells[8]) for cells in _table(html).values()]
    assert values == sorted(values, reverse=True)


@frozen(2026, 11, 16, 10)
def test_the_trend_compares_the_year_before_and_each_quarter(years):
    province = _busiest_province(years)
    formula = scorecard.current_formula()
    trend = scorecard.trend(province, START, END, formula)
    assert [p["key"] for p in trend["years"]] == ["previous", "current"]
    assert [q["start"] for q in trend["quarters"]] == [dt.date(y, m, 1) for y in (2022, 2023) for m in (1, 4, 7, 10)]
    nation = scorecard.build(NATION, START, END, formula)
    this_year = trend["years"][1]
    assert this_year["rank"] == _row(nation, province)["rank"] and this_year["peers"] == len(nation["rows"])
    assert this_year["composite"] == _row(nation, province)["composite"]
    earlier = _row(scorecard.build(NATION, dt.date(2022, 1, 1), dt.date(2022, 12, 31), formula), province)
    assert trend["years"][0]["values"] == earlier["values"] and trend["years"][0]["rank"] == earlier["rank"]
    assert sum(q["n"] for q in trend["quarters"][4:]) == this_year["n"]
    client, _user = signed_in("sup_trend", "supervisor", authority=NATION, language="en")
    html = client.get(f"/desk/analytics/scorecard/?region={province}&{YEAR}").content.decode()
    data = json.loads(re.search(r'<script id="scorecard-trend" type="application/json">(.*?)</script>', html,
                                re.S).group(1))
    assert data["x"] == [f"{y} Q{q}" for y in (2022, 2023) for q in (1, 2, 3, 4)]
    assert {s["name"] for s in data["series"]} >= {"satisfaction (%)", "composite score (0–100)"}
    assert all(len(s["data"]) == 8 for s in data["series"])
    assert 'data-chart="line" data-source="scorecard-trend" data-height="300"' in html
    # the nation has no peers: indicators only
    nation_trend = scorecard.trend(NATION, START, END, formula)
    assert nation_trend["years"][1]["composite"] is None and nation_trend["years"][1]["values"]["satisfaction"]


@frozen(2026, 11, 16, 10)
def test_the_chinese_page_has_no_english_and_the_english_page_works(years):
    province = _busiest_province(years)
    client, user = signed_in("sup_zh_score", "supervisor", authority=NATION, language="zh-hans")
    for region in (NATION, province):
        r = client.get(f"/desk/analytics/scorecard/?region={region}&{YEAR}")
        assert r.status_code == 200
        html = r.content.decode()
        assert english_in(_main(html), {user.username}) == [], region
        assert "每万人投诉" in html and "未评价" in html
    # the province's prefectures: no population, so "—" and the note below the table
    assert "—" in html and "仅提供省级" in html
    county = years.filter(authority__level=3).values_list("authority__region_id", flat=True).first()
    r = client.get(f"/desk/analytics/scorecard/?region={county}&{YEAR}")
    assert r.status_code == 200 and english_in(_main(r.content.decode()), {user.username}) == []
    en, _u = signed_in("sup_en_score", "supervisor", authority=NATION, language="en")
    html = en.get(f"/desk/analytics/scorecard/?region={province}&{YEAR}").content.decode()
    assert "Consumer-environment scorecard" in html and "an unrated complaint counts as not satisfied" in html
    assert "province level only" in html
    dashboard = en.get(f"/desk/analytics/?region={province}&{YEAR}").content.decode()
    assert f"/desk/analytics/scorecard/?region={province}&amp;start=2023-01-01&amp;end=2023-12-31" in dashboard


# ---- reading the page ------------------------------------------------------------------------

def _main(html):
    """The page's own content (the shared header and menu are checked by test_chinese_pages)."""
    return html[html.index("<main"):]


def _table(html):
    """{division code: [cell texts]} of the peer table, in the page's order."""
    out = {}
    for code, body in re.findall(r'<tr data-region="(\d+)">(.*?)</tr>', html, re.S):
        cells = [unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", body, re.S)]
        out[code] = cells
    return out

