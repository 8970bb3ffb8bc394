"""The open complaint database in a real browser at phone width, in both languages: a visitor with no
account leaves one category out (a negated filter), reads the trend chart, searches a word, and downloads
the result as CSV; nothing is wider than the screen and the console stays clean."""
import csv

import pytest

from ombud.disclosure import services

from .conftest import frozen
from .test_browser import browser, pytestmark, shots
from .test_browser_commitments import PHONE, _fits, _watch
from .test_public_complaints import world


@frozen(2026, 11, 16, 10)
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_visitor_searches_with_a_negated_filter_sees_the_trend_and_downloads_csv(
        browser, live_server, shots, world, language):
    services.publish_due()
    tag, errors = language[:2], []
    context = browser.new_context(locale="en-US" if language == "en" else "zh-CN", viewport=PHONE,
                                  is_mobile=True, has_touch=True, accept_downloads=True)
    page = _watch(context.new_page(), errors)
    page.set_default_timeout(10_000)
    page.goto(live_server.url + "/complaints/")
    assert page.locator("ol.complaints > li[data-complaint]").count() == 4
    page.wait_for_selector(".chart canvas")  # ECharts drew the trend
    page.click("details.filters-more > summary")  # the filters fold away on a phone
    page.select_option("#f-category", "household_electronics")
    page.check("input[name=neg_category]")
    with page.expect_navigation():
        page.click("form[role=search] .actions button[type=submit]")
    shown = {int(x) for x in page.locator("ol.complaints > li[data-complaint]").evaluate_all(
        "els => els.map(e => e.dataset.complaint)")}
    assert shown == {world["phone"].pk, world["parcel"].pk}  # all except household electronics
    assert page.is_checked("input[name=neg_category]")  # the form keeps the negation
    page.select_option("#f-lens", "category")
    with page.expect_navigation():
        page.click("#trend-h ~ .inline-fields button[type=submit]")
    page.wait_for_selector(".chart canvas")
    assert _fits(page)
    page.screenshot(path=shots / f"{tag}-50-published-complaints.png", full_page=True)

    page.fill("#c-search", "快递")
    with page.expect_navigation():
        page.click("form[role=search] .actions button[type=submit]")
    assert page.locator("ol.complaints mark").first.inner_text() == "快递"  # the word is highlighted
    with page.expect_download() as got:
        page.click("a[data-export=csv]")
    with open(got.value.path(), encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert [int(r["complaint_id"]) for r in rows] == [world["parcel"].pk]
    context.close()
    assert errors == []
