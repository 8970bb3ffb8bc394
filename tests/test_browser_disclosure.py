"""A business's public record in a real browser at phone width, in both languages: a visitor with no account
searches for the business, opens its record, reads each rate with its formula, picks another period; nothing is
wider than the screen and the console stays clean."""
import datetime as dt
import re

import pytest

from ombud.analytics import store
from ombud.cases.models import Case

from .conftest import CST, complaint, frozen, make_api
from .test_browser import browser, pytestmark, shots  # noqa: F401
from .test_browser_commitments import PHONE, _fits, _watch


@frozen(2026, 11, 16, 10)
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_visitor_finds_a_business_and_reads_its_record_with_formulas(browser, live_server, shots,  # noqa: F811
                                                                        settings, tmp_path, language):
    api = make_api("integrator")
    for i, (rating, outcome) in enumerate(((5, "agreement"), (1, "agreement"), (None, "terminated"))):
        at = dt.datetime(2026, 10, 5 + i, 10, tzinfo=CST)
        ticket = api.post("/cases", complaint(received_at=at.isoformat(), purchase_date="2026-09-01")).json()["ticket"]
        Case.objects.filter(ticket=ticket).update(status="closed", outcome=outcome, rating_business=rating,
                                                  closed_at=at + dt.timedelta(days=9))
    settings.OMBUD_ANALYTICS_DIR = tmp_path / "store"
    store.refresh(full=True)
    business = Case.objects.first().respondent

    tag, errors = language[:2], []
    context = browser.new_context(locale="en-US" if language == "en" else "zh-CN", viewport=PHONE,
                                  is_mobile=True, has_touch=True)
    page = _watch(context.new_page(), errors)
    page.set_default_timeout(10_000)
    page.goto(live_server.url + "/businesses/")
    page.fill("#b-q", "鸿运")
    with page.expect_navigation():
        page.click("form[role=search] button[type=submit]")
    page.click(f"a[href='/businesses/{business.pk}/']")
    page.wait_for_url(f"**/businesses/{business.pk}/")
    assert page.inner_text("main h1") == business.name
    assert page.inner_text("[data-figure=n]") == "3"
    assert page.inner_text("[data-figure=mediation]") == "67%"  # 2 of 3 mediations ended in an agreement
    assert page.inner_text("[data-figure=satisfaction]") == "50%"  # the unrated one is not counted
    assert page.inner_text("[data-figure=unrated]") == "1"
    formula = page.inner_text("[data-figure=satisfaction] + .formula")
    assert re.findall(r"\d+", formula)[-2:] == ["1", "2"]  # the rate's parts, in the reader's language
    assert _fits(page)
    page.screenshot(path=shots / f"{tag}-40-business-record.png", full_page=True)

    page.fill("#p-from", "2026-11-01")
    with page.expect_navigation():
        page.click("form.period button[type=submit]")
    assert page.inner_text("[data-figure=n]") == "0"  # none received in November
    context.close()
    assert errors == []
