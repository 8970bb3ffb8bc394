"""The supervisor's dashboard and /api/v1/stats: drill-down through the region tree, each supervisor's
own subtree only, CSV exports equal to the figures, the same numbers as the case tables, no English on
the Chinese page."""
import csv
import datetime as dt
import io

import pytest
from django.db.models import Count

from ombud.analytics import store, synth
from ombud.cases.models import Case

from .conftest import frozen
from .test_chinese_pages import english_in
from .workflow_helpers import signed_in

pytestmark = pytest.mark.django_db
YEAR = "start=2023-01-01&end=2023-12-31"


@pytest.fixture
def year(settings, tmp_path):
    settings.OMBUD_ANALYTICS_DIR = tmp_path / "store"
    synth.run(year=2023, cases=4000, seed=21, as_of=dt.datetime(2024, 4, 1, tzinfo=synth.CST))
    store.refresh(full=True)
    return Case.objects.filter(source=synth.SOURCE)


def _county_with_cases(cases):
    return cases.values_list("authority__region_id", flat=True).filter(authority__level=3).first()


@frozen(2026, 11, 16, 10)
def test_a_supervisor_drills_from_the_nation_to_a_county_in_both_languages(year):
    county = _county_with_cases(year)
    province, prefecture = county[:2] + "0000", county[:4] + "00"
    for language in ("zh-hans", "en"):
        client, _user = signed_in(f"sup_{language}", "supervisor", authority="100000", language=language)
        for region in ("100000", province, prefecture, county):
            r = client.get(f"/desk/analytics/?region={region}&{YEAR}")
            assert r.status_code == 200, (language, region)
            html = r.content.decode()
            assert 'data-chart="tilemap"' in html if region == "100000" else 'data-chart="bar"' in html
            path = {"100000": "", province: province[:2], prefecture: prefecture[:4], county: county}[region]
            n = year.filter(authority__path__startswith=path).count()
            assert f'<p class="kpi">{n}</p>' in html.replace(",", "")  # the total of the subtree
        if language == "zh-hans":
            names = set(year.values_list("respondent__name", flat=True)) | {_user.username}
            assert english_in(client.get(f"/desk/analytics/?region={province}&{YEAR}").content.decode(), names) == []


@frozen(2026, 11, 16, 10)
def test_a_province_supervisor_sees_only_their_province(year):
    client, _user = signed_in("sup_zj", "supervisor", authority="330000", language="en")
    r = client.get(f"/desk/analytics/?{YEAR}")
    assert r.status_code == 200
    assert client.get(f"/desk/analytics/?region=110000&{YEAR}").status_code == 400
    assert b"outside your area" in client.get(f"/desk/analytics/?region=110000&{YEAR}").content
    assert client.get(f"/desk/analytics/?region=12&{YEAR}").status_code == 400
    assert b"YYYY-MM-DD" in client.get("/desk/analytics/?start=2023-13-01").content
    handler, _u = signed_in("handler_zj", "handler", authority="330000")
    assert handler.get("/desk/analytics/").status_code == 404


@frozen(2026, 11, 16, 10)
def test_every_chart_exports_the_figures_it_draws(year):
    client, _user = signed_in("sup_csv", "supervisor", authority="100000", language="en")
    rows = list(csv.reader(io.StringIO(client.get(f"/desk/analytics/export/regions.csv?{YEAR}").content.decode("utf-8-sig"))))
    assert rows[0] == ["division code", "region", "cases"]
    expected = {}
    for code in year.values_list("authority__region_id", flat=True):
        expected[code[:2] + "0000"] = expected.get(code[:2] + "0000", 0) + 1
    assert {r[0]: int(r[2]) for r in rows[1:]} == expected
    issues = list(csv.reader(io.StringIO(client.get(f"/desk/analytics/export/issues.csv?{YEAR}").content.decode("utf-8-sig"))))
    assert sum(int(r[1]) for r in issues[1:]) == year.exclude(issue_type="").count()
    for key in ("volume", "categories", "timeliness", "satisfaction", "channels", "respondents"):
        assert client.get(f"/desk/analytics/export/{key}.csv?{YEAR}").status_code == 200, key
    assert client.get(f"/desk/analytics/export/nonsense.csv?{YEAR}").status_code == 404


@frozen(2026, 11, 16, 10)
def test_the_stats_api_serves_the_same_figures(year):
    client, _user = signed_in("sup_api", "supervisor", authority="100000", language="zh-hans")
    r = client.get(f"/api/v1/stats/totals?{YEAR}")
    assert r.status_code == 200
    body = r.json()
    assert body["rows"] == dict(year.values_list("kind").annotate(n=Count("id")).order_by())
    assert body["as_of"] == store.manifest()["as_of"]
    series = client.get(f"/api/v1/stats/series?{YEAR}&interval=quarter").json()["rows"]
    assert sum(r["n"] for r in series) == year.count() and {r["period"][5:] for r in series} == {
        "01-01", "04-01", "07-01", "10-01"}
    assert client.get(f"/api/v1/stats/nonsense?{YEAR}").status_code == 404
    bad = client.get("/api/v1/stats/totals?region=999999")
    assert bad.status_code == 400 and "999999" in bad.json()["detail"]  # in English, whatever the language
    handler, _u = signed_in("handler_api", "handler", authority="330000")
    assert handler.get(f"/api/v1/stats/totals?{YEAR}").status_code == 403
