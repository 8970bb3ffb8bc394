"""Analytics in a real browser, in both languages: a supervisor drills from the nation to a county, and the
charts draw under the CSP."""
import datetime as dt

import pytest

from ombud.analytics import store, synth
from ombud.cases.models import Case

from .conftest import frozen
from .test_browser import _page, _sign_in, _user, browser, pytestmark, shots  # noqa: F401

YEAR = "start=2023-01-01&end=2023-12-31"


@frozen(2026, 11, 16, 10)
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_supervisor_drills_from_the_nation_to_a_county(browser, live_server, shots, settings, tmp_path, language):  # noqa: F811
    settings.OMBUD_ANALYTICS_DIR = tmp_path / "store"
    synth.run(year=2023, cases=3000, seed=5, as_of=dt.datetime(2024, 4, 1, tzinfo=synth.CST))
    store.refresh(full=True)
    county = (Case.objects.filter(authority__level=3, authority__path__startswith="33")
              .values_list("authority__region_id", flat=True).first())
    assert county
    _user("jiandu", "supervisor", language=language, authority="100000")
    page = _page(browser, live_server, language)
    violations = []
    page.on("console", lambda m: violations.append(m.text) if m.type == "error" else None)
    _sign_in(page, "jiandu")
    page.goto(page.base + f"/desk/analytics/?{YEAR}")
    page.wait_for_selector("[data-chart=tilemap] canvas")
    tiles = page.evaluate("() => echarts.getInstanceByDom(document.querySelector('[data-chart=tilemap]'))"
                          ".getOption().series[0].data.length")
    assert tiles >= 34
    page.screenshot(path=shots / f"{language[:2]}-20-analytics-nation.png", full_page=True)
    for code in (county[:2] + "0000", county[:4] + "00", county):
        page.click("details.drill summary")
        page.click(f"details.drill a[data-region='{code}']")
        page.wait_for_load_state()
        assert f"region={code}" in page.url
        page.wait_for_selector("[data-chart] canvas")
    trail = page.inner_text("nav.trail")
    assert trail.count("›") == 3  # nation › province › prefecture › county
    total = Case.objects.filter(authority__region_id=county).count()
    assert page.inner_text(".kpis .card:first-child .kpi").replace(",", "") == str(total)
    page.screenshot(path=shots / f"{language[:2]}-21-analytics-county.png", full_page=True)
    assert violations == []
