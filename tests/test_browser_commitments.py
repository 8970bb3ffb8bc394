"""The commitment registry in a real browser at phone width, in both languages: a visitor looks for no-reason return
shops in their county, finds the pledged shop, opens its entry and rates it; nothing is wider than the screen and
the console stays clean (the CSP allows no inline script or style)."""
import pytest
from django.utils import translation

from ombud.businesses.services import register_business
from ombud.commitments import services
from ombud.commitments.models import Rating
from ombud.intake.services import Actor

from .conftest import frozen
from .test_browser import browser, pytestmark, shots  # noqa: F401
from .workflow_helpers import staff_user

PHONE = {"width": 390, "height": 844}


def _pledge():
    """A no-reason return pledge of a Pudong shop, approved by the district's bureau; and a Xuhui one as a decoy."""
    made = []
    for name, where, county in (("上海浦东鸿运家电销售有限公司", "上海市浦东新区张江路100号", "310115"),
                                ("上海徐汇华联百货有限公司", "上海市徐汇区漕溪北路1号", "310104")):
        business = register_business(name=name, registered_address=where)
        pledge = services.apply(actor=Actor(role="business", business=business), fields={
            "registry": "returns", "category": "household_electronics", "days": "15", "excluded": "定制商品",
            "scope": "店内销售的商品，商品完好的，十五日内无理由退货。", "shops": [{"address": where}]})
        handler = staff_user(f"h{county}", "handler", county, f"h{county}@example.com")
        made.append(services.approve(commitment=pledge, actor=Actor(role="handler", user=handler,
                                                                    authority=handler.profile.authority)))
    return made


def _watch(page, errors):
    page.on("console", lambda m: errors.append(f"{page.url}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(f"{page.url}: {e}"))
    return page


def _fits(page):
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


@frozen(2026, 11, 16, 10)
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_visitor_finds_a_pledged_shop_in_their_county_and_opens_it(browser, live_server, shots,  # noqa: F811
                                                                       language):
    pledge, decoy = _pledge()
    tag, errors = language[:2], []
    context = browser.new_context(locale="en-US" if language == "en" else "zh-CN", viewport=PHONE,
                                  is_mobile=True, has_touch=True)
    page = _watch(context.new_page(), errors)
    page.set_default_timeout(10_000)
    page.goto(live_server.url + "/commitments/")
    assert _fits(page)
    page.fill("#c-where", "浦东新区")
    page.select_option("#c-registry", "returns")
    with page.expect_navigation():
        page.click("form[role=search] button[type=submit]")
    row = page.locator(f"tr[data-entry='{pledge.pk}']")
    assert row.is_visible() and page.locator(f"tr[data-entry='{decoy.pk}']").count() == 0
    assert page.input_value("#c-where") == "上海市浦东新区"  # the place, as the registry understood it
    assert _fits(page)
    page.screenshot(path=shots / f"{tag}-30-registry-search.png", full_page=True)

    row.locator(f"a[href='/commitments/{pledge.pk}/']").click()
    page.wait_for_url(f"**/commitments/{pledge.pk}/")
    assert page.inner_text("main h1") == pledge.name
    with translation.override(language):
        days = translation.ngettext("%(days)s day", "%(days)s days", 15) % {"days": 15}
    assert page.inner_text("[data-field=days]") == days
    assert "张江路100号" in page.inner_text("main table")
    assert _fits(page)

    page.check("input[name=stars][value='4']")
    page.fill("#r-comment", "退货顺利")
    with page.expect_navigation():
        page.click("#rate button[type=submit]")
    assert page.is_visible("[data-field=rated]") and page.is_visible(".notice.success")
    assert Rating.objects.get().stars == 4
    page.screenshot(path=shots / f"{tag}-31-registry-entry.png", full_page=True)
    context.close()
    assert errors == []
