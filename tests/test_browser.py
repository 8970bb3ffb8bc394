"""The whole story in a real browser (Debian's Chromium, driven by Playwright), in both languages.

Screenshots go to a temporary folder; with OMBUD_SCREENSHOTS=docs they replace docs/screenshots/.
"""
import datetime as dt
import os
import shutil
from pathlib import Path

import pytest
from django.utils import timezone

from ombud.accounts.models import Profile

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]
DOCS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"

pytestmark = [pytest.mark.django_db(transaction=True),
              pytest.mark.skipif(not os.path.exists(CHROMIUM) and os.environ.get("OMBUD_TEST_BROWSER") != "require",
                                 reason="Debian's chromium is not installed (.ci/run installs it)")]


_running = {}


@pytest.fixture(scope="session")
def browser():
    """Other browser test modules import this fixture, which makes a copy of it per module; they all
    share one Chromium, as Playwright's sync API allows one instance per thread."""
    if _running:
        yield _running["chromium"]
        return
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs an event loop in this thread
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        _running["chromium"] = chromium = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield chromium
        _running.clear()
        chromium.close()


@pytest.fixture
def shots(tmp_path):
    folder = tmp_path / "shots"
    folder.mkdir()
    yield folder
    if os.environ.get("OMBUD_SCREENSHOTS") == "docs":
        DOCS.mkdir(parents=True, exist_ok=True)
        for png in folder.glob("*.png"):
            shutil.copy(png, DOCS / png.name)


def _user(username, role, *, language, authority=None, business=None):
    from django.contrib.auth import get_user_model

    from ombud.regions.models import Authority

    user = get_user_model().objects.create_user(username, f"{username}@example.com", "secret-pw")
    Profile.objects.create(user=user, role=role, language=language, business=business,
                           authority=Authority.objects.get(code=authority) if authority else None)
    return user


def _page(browser, live_server, language):
    context = browser.new_context(locale="en-US" if language == "en" else "zh-CN", viewport={"width": 1200, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.base = live_server.url
    return page


def _type_business(page, name):
    """Type a business name and wait for the typeahead's answer: the list (or the no-match hint) that
    appears below the field moves the Next button, and a click racing it can land on the list."""
    page.fill("#f-respondent_name", name)
    page.wait_for_selector("#suggestions > *")


def _sign_in(page, username):
    page.goto(page.base + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "secret-pw")
    page.click("button[type=submit]:not(.secondary)")
    page.wait_for_load_state()


def _act(page, action):
    page.click(f"[data-action='{action}']")
    page.wait_for_selector("#action-form")


def _submit_action(page):
    page.click("#action-form button[type=submit]")
    page.wait_for_load_state()


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_complaint_odr_timeout_escalation_mediation_agreement_and_rating(browser, live_server, shots, language):
    from tests.workflow_helpers import odr_business

    from ombud.cases.models import Case
    from ombud.workflow.models import CaseDeadline

    business = odr_business()
    _user("consumer", "consumer", language=language)
    _user("handler", "handler", language=language, authority="310115")
    _user("firm", "business", language=language, business=business)
    tag = "en" if language == "en" else "zh"

    consumer = _page(browser, live_server, language)
    _sign_in(consumer, "consumer")
    consumer.goto(consumer.base + "/complaint/")
    consumer.fill("#f-respondent_name", "鸿运家电")
    consumer.click(".suggest button")  # the typeahead fills name, USCC and address
    assert consumer.input_value("#f-respondent_uscc") == business.uscc
    consumer.screenshot(path=shots / f"{tag}-1-complaint-form.png", full_page=True)
    consumer.click("fieldset[data-step='1'] [data-next]")
    consumer.select_option("#f-category", "household_electronics")
    consumer.select_option("#f-issue_type", "quality")
    consumer.fill("#f-request", "退货并退款")
    consumer.fill("#f-facts", "冰箱使用三天后不制冷，商家拒绝退货。")
    consumer.fill("#f-amount", "2999")
    consumer.click("fieldset[data-step='2'] [data-next]")
    consumer.fill("#f-complainant_name", "张三")
    consumer.fill("#f-complainant_phone", "13800138000")
    consumer.fill("#f-complainant_address", "上海市徐汇区漕溪北路1号")
    consumer.click("fieldset[data-step='3'] [data-next]")
    consumer.wait_for_selector("#odr-choice:not([hidden])")
    consumer.check("#f-odr")
    consumer.wait_for_selector("#art9 .notice.ok")  # every Art. 9 item present, checked inline
    consumer.click("#submit")
    consumer.wait_for_url("**/case/*/")
    ticket = consumer.url.rstrip("/").split("/")[-1]
    case = Case.objects.get(ticket=ticket)
    assert case.status == "odr" and case.language == language
    consumer.screenshot(path=shots / f"{tag}-2-case-with-business.png", full_page=True)

    # The business lets the 10 working days run out.
    CaseDeadline.objects.filter(case=case, step="odr").update(due=timezone.now() - dt.timedelta(hours=1))
    firm = _page(browser, live_server, language)
    _sign_in(firm, "firm")
    firm.goto(firm.base + f"/business/case/{ticket}/")
    assert firm.is_visible(".badge.overdue")
    firm.screenshot(path=shots / f"{tag}-3-business-case.png", full_page=True)

    consumer.reload()
    _act(consumer, "escalate")
    _submit_action(consumer)
    assert Case.objects.get(ticket=ticket).status == "received"

    handler = _page(browser, live_server, language)
    _sign_in(handler, "handler")
    handler.goto(handler.base + "/desk/")
    handler.screenshot(path=shots / f"{tag}-4-handler-queue.png", full_page=True)
    handler.click(f"a[href='/desk/case/{ticket}/']")
    handler.screenshot(path=shots / f"{tag}-5-handler-case.png", full_page=True)
    _act(handler, "accept")
    _submit_action(handler)
    _act(handler, "start_mediation")
    handler.check("input[name='consent_complainant'][value='yes']")
    handler.check("input[name='consent_respondent'][value='yes']")
    handler.select_option("#a-mode", "remote")
    handler.fill("#a-mediator", "李调解")
    handler.screenshot(path=shots / f"{tag}-6-mediation-form.png", full_page=True)
    _submit_action(handler)
    _act(handler, "agree")
    handler.fill("#a-amount_recovered", "2999")
    handler.select_option("#a-document", "signed")
    handler.fill("#a-terms", "被投诉人退还货款2999元")
    _submit_action(handler)
    _act(handler, "close")
    _submit_action(handler)
    case.refresh_from_db()
    assert case.status == "closed" and case.amount_recovered == 2999

    consumer.reload()
    assert "2,999.00" in consumer.content() or "2999.00" in consumer.content()
    _act(consumer, "verdict")
    consumer.check("input[name='resolved'][value='yes']")
    consumer.select_option("#a-rating_handling", "5")
    consumer.select_option("#a-rating_business", "4")
    _submit_action(consumer)
    consumer.screenshot(path=shots / f"{tag}-7-rated.png", full_page=True)
    case.refresh_from_db()
    assert (case.verdict_resolved, case.rating_handling, case.rating_business) == (True, 5, 4)
    assert consumer.locator("[data-action='verdict']").count() == 0  # rated once; the button is gone


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_hotline_consultation_answered_on_the_spot_by_keyboard(browser, live_server, shots, language):
    from ombud.cases.models import Case

    _user("operator", "operator", language=language, authority="310115")
    page = _page(browser, live_server, language)
    _sign_in(page, "operator")
    page.goto(page.base + "/desk/console/")
    page.keyboard.press("Alt+3")
    page.wait_for_selector("[data-kind='consultation']:not([hidden])")
    page.fill("#f-complainant_name", "王五")
    page.fill("#f-complainant_phone", "13700137000")
    page.fill("#f-facts", "预付卡商家跑路怎么办？")
    page.fill("#f-answer", "可向发卡经营者所在地市场监管部门投诉。")
    page.screenshot(path=shots / f"{'en' if language == 'en' else 'zh'}-8-hotline-console.png", full_page=True)
    page.keyboard.press("Alt+s")
    page.wait_for_selector(".notice.success")
    case = Case.objects.get(kind="consultation")
    assert case.status == "closed" and case.channel == "hotline"


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_anonymous_report(browser, live_server, shots, language):
    from ombud.cases.models import Case

    page = _page(browser, live_server, language)
    page.goto(page.base + "/report/")
    _type_business(page, "某无照小店")
    page.click("fieldset[data-step='1'] [data-next]")
    page.select_option("#f-violation_type", "unlicensed")
    page.fill("#f-conduct_address", "上海市浦东新区张江路1号")
    page.fill("#f-facts", "无照经营，售卖过期食品")
    page.click("fieldset[data-step='2'] [data-next]")
    page.check("#f-anonymous")
    page.click("#submit")
    page.wait_for_url("**/case/*/")
    case = Case.objects.get(kind="report")
    assert case.anonymous and case.complainant_phone == ""


def test_handler_of_another_county_gets_404(browser, live_server, shots):
    from tests.conftest import complaint, make_api

    ticket = make_api("integrator").post("/cases", complaint()).json()["ticket"]  # Pudong (310115)
    _user("xuhui", "handler", language="zh-hans", authority="310104")
    page = _page(browser, live_server, "zh-hans")
    _sign_in(page, "xuhui")
    response = page.goto(page.base + f"/desk/case/{ticket}/")
    assert response.status == 404
    assert ticket not in page.content()


def test_supervisor_overview(browser, live_server, shots):
    from tests.conftest import complaint, make_api

    make_api("integrator").post("/cases", complaint())
    _user("sup", "supervisor", language="en", authority="310000")
    page = _page(browser, live_server, "en")
    _sign_in(page, "sup")
    page.goto(page.base + "/desk/overview/")
    assert page.is_visible("text=By region")
    page.screenshot(path=shots / "en-9-supervisor-overview.png", full_page=True)


AXE = Path(__file__).resolve().parent / "vendor" / "axe-4.14.1.min.js"


def _axe(page):
    """axe-core's serious and critical findings on the page (axe is injected by the test only)."""
    page.add_script_tag(path=str(AXE))
    found = page.evaluate("""async () => (await axe.run(document, {resultTypes: ['violations']})).violations
        .filter(v => ['serious', 'critical'].includes(v.impact))
        .map(v => v.id + ': ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', '))""")
    return found


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_key_pages_pass_axe_and_fit_a_phone(browser, live_server, shots, language):
    from tests.conftest import complaint, make_api

    ticket = make_api("integrator").post("/cases", complaint()).json()["ticket"]
    _user("handler", "handler", language=language, authority="310115")
    context = browser.new_context(locale="en-US" if language == "en" else "zh-CN", bypass_csp=True,
                                  viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    page.base = live_server.url
    problems = {}
    for path in ("/", "/complaint/", "/report/", "/track/", "/accounts/login/"):
        page.goto(page.base + path)
        problems[path] = _axe(page)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{path} scrolls sideways on a phone ({width}px)"
    page.screenshot(path=shots / f"{'en' if language == 'en' else 'zh'}-10-phone-login.png", full_page=True)
    _sign_in(page, "handler")
    for path in ("/desk/", f"/desk/case/{ticket}/", f"/desk/case/{ticket}/act/refuse/", "/desk/console/"):
        page.goto(page.base + path)
        problems[path] = _axe(page)
    assert {k: v for k, v in problems.items() if v} == {}
    page.set_content("<html lang='en'><title>t</title><main><input type='text'></main></html>")
    assert any(v.startswith("label:") for v in _axe(page))  # the check itself can fail
