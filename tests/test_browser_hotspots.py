"""The public hotspots page in a real browser at phone width, in Chinese: the bar charts draw on their canvases,
the three panels and the local feed are visible, the region picker redraws its lower levels, nothing is wider
than the screen and the console stays clean."""
import datetime as dt

from ombud.analytics import store
from ombud.cases.models import Case
from ombud.disclosure.services import publish_due

from .conftest import CST, complaint, frozen, make_api
from .test_browser import browser, pytestmark, shots  # noqa: F401
from .test_browser_commitments import PHONE, _fits, _watch
from .test_public_complaints import rule_v1


@frozen(2026, 11, 16, 10)
def test_a_visitor_on_a_phone_reads_the_hotspots_of_their_district(browser, live_server, shots,  # noqa: F811
                                                                    settings, tmp_path):
    api = make_api("integrator")
    for i, (category, issue) in enumerate((("household_electronics", "quality"), ("household_electronics", "contract"),
                                           ("catering_accommodation", "contract"), ("food", "price"))):
        at = dt.datetime(2026, 9, 3 + i, 10, tzinfo=CST)
        ticket = api.post("/cases", complaint(received_at=at.isoformat(), purchase_date="2026-08-20",
                                              category=category, issue_type=issue)).json()["ticket"]
        if i == 0:
            Case.objects.filter(ticket=ticket).update(status="closed", outcome="agreement",
                                                      closed_at=dt.datetime(2026, 10, 1, tzinfo=CST))
    settings.OMBUD_ANALYTICS_DIR = tmp_path / "store"
    store.refresh(full=True)
    rule_v1()
    publish_due()

    errors = []
    context = browser.new_context(locale="zh-CN", viewport=PHONE, is_mobile=True, has_touch=True)
    page = _watch(context.new_page(), errors)
    page.set_default_timeout(10_000)
    page.goto(live_server.url + "/hotspots/?region=310115&from=2026-08&to=2026-10")
    assert page.get_attribute("html", "lang") == "zh-Hans"
    for key in ("goods", "services", "issues"):
        panel = page.locator(f"[data-panel={key}]")
        assert panel.is_visible()
        canvas = panel.locator(".chart[data-rendered] canvas").first
        canvas.wait_for(state="visible")
        box = canvas.bounding_box()
        assert box["width"] > 200 and box["height"] > 100 and box["x"] + box["width"] <= PHONE["width"]
    assert page.locator("[data-panel=goods] tr[data-code=household_electronics] [data-n]").inner_text() == "2"
    assert page.locator("[data-feed=warnings]").is_visible() and page.locator("[data-feed=complaints]").is_visible()
    assert page.locator("[data-published-complaint]").count() == 1
    assert _fits(page)
    page.screenshot(path=shots / "zh-50-hotspots.png", full_page=True)

    # picking another province redraws the lower levels in place (htmx), then "Show" opens it
    # (wait for htmx to settle each redraw: a change made before it has wired the new select is lost)
    settled = "() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling, .htmx-added')"
    with page.expect_response(lambda r: "/hotspots/regions" in r.url):
        page.select_option("#h-province", "330000")
    page.wait_for_selector("#h-prefecture option[value='330100']", state="attached")
    page.wait_for_function(settled)
    assert page.locator("#h-county").count() == 0
    with page.expect_response(lambda r: "/hotspots/regions" in r.url):
        page.select_option("#h-prefecture", "330100")
    page.wait_for_selector("#h-county")
    page.wait_for_function(settled)
    with page.expect_navigation():
        page.click("form[data-hotspots-form] button[type=submit]")
    assert "杭州市" in page.inner_text("main h1")
    assert page.locator("[data-panel=goods] tbody tr[data-code]").count() == 0  # nothing complained about there
    assert _fits(page)
    context.close()
    assert errors == []
