"""Issue 8, newcomer path, in a real browser: no CSP errors or 404s on the key pages, and 'My cases' on a phone."""
import os

import pytest

from .test_browser import CHROMIUM, _sign_in, _user, browser  # noqa: F401 (browser is a fixture)

pytestmark = [pytest.mark.django_db(transaction=True),
              pytest.mark.skipif(not os.path.exists(CHROMIUM) and os.environ.get("OMBUD_TEST_BROWSER") != "require",
                                 reason="Debian's chromium is not installed (.ci/run installs it)")]


def _watched(browser, live_server, language, width=1200):  # noqa: F811
    context = browser.new_context(locale="en-US" if language == "en" else "zh-CN",
                                  viewport={"width": width, "height": 844})
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.base = live_server.url
    page.problems = []
    page.on("console", lambda m: m.type == "error" and page.problems.append(f"console on {page.url}: {m.text}"))
    page.on("response", lambda r: r.status == 404 and page.problems.append(f"404: {r.url}"))
    return page


def _consumer_with_cases(language):
    from tests.conftest import complaint

    from ombud.intake.schemas import CaseIn
    from ombud.intake.services import Actor, submit

    user = _user("consumer", "consumer", language=language)
    long_name = "上海浦东宏达餐饮管理有限公司张江高科技园区第二分店"
    for name in (long_name, "鸿运家电"):
        body = complaint(respondent={"name": name, "address": "上海市浦东新区张江路100号"})
        submit(data=CaseIn.model_validate(body), actor=Actor(role="consumer", user=user))
    return user


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_key_pages_have_no_csp_errors_and_no_404s(browser, live_server, language):  # noqa: F811
    from ombud.cases.models import Case
    from ombud.documents.models import Document
    from ombud.documents.selectors import url
    from ombud.intake.services import Actor
    from ombud.workflow.services import perform

    _consumer_with_cases(language)
    handler = _user("handler", "handler", language=language, authority="310115")
    case = Case.objects.first()
    perform(ticket=case.ticket, action="accept", actor=Actor(role="handler", user=handler, authority=case.authority))
    page = _watched(browser, live_server, language)
    for path in ("/", "/accounts/login/", "/complaint/", "/track/", "/report/"):
        page.goto(page.base + path)
        page.wait_for_load_state("networkidle")
    page.goto(page.base + url(Document.objects.get(form="acceptance")))  # a document page: no base.html
    page.wait_for_load_state("networkidle")
    _sign_in(page, "consumer")
    page.goto(page.base + "/my/")
    page.wait_for_load_state("networkidle")
    assert page.problems == []
    icon = page.request.get(page.base + "/favicon.ico")
    assert icon.status == 200


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_my_cases_fits_a_phone(browser, live_server, language):  # noqa: F811
    _consumer_with_cases(language)
    page = _watched(browser, live_server, language, width=390)
    _sign_in(page, "consumer")
    page.goto(page.base + "/my/")
    page.wait_for_load_state("networkidle")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    cells = page.evaluate("""() => [...document.querySelectorAll('main table th, main table td')].map(c => {
        const r = c.getBoundingClientRect(), s = getComputedStyle(c), head = c.closest('thead');
        return {text: c.innerText, label: getComputedStyle(c, '::before').content, width: r.width,
                hidden: !!head && head.getBoundingClientRect().height <= 1,
                height: r.height, right: r.right, font: parseFloat(s.fontSize),
                line: parseFloat(s.lineHeight) || 1.5 * parseFloat(s.fontSize)};
    })""")
    shown = [c for c in cells if not c["hidden"]]  # a visually hidden header row (1 px) is for screen readers
    assert shown
    for c in shown:
        assert c["right"] <= 390, c
        assert c["width"] >= 6 * c["font"], c  # no column squeezed to a character or two
        assert c["height"] <= 2.6 * c["line"] or len(c["text"]) > 12, c  # short texts take at most two lines
    # Each value keeps its column's name beside it on the phone (the header row is off screen).
    tds = [c for c in shown if c["label"] not in ("none", "normal", "")]
    assert len(tds) >= 6 * 2
    if language == "zh-hans":
        assert any("受理" in c["label"] or "编号" in c["label"] for c in tds), tds[:6]
