"""Early warning in a real browser, in both languages: a spike in the complaints raises an alert, a supervisor
drafts a consumer warning from it, a second supervisor approves and publishes it, and the public reads it on
/warnings/ in its own language. The alert's chart draws under the CSP (no console errors)."""
import datetime as dt

import pytest
from django.utils import translation

from ombud.alerts import detection
from ombud.alerts.models import Alert, AlertStatus, ConsumerWarning, WarningStatus
from ombud.analytics import store, synth
from ombud.cases.models import Case

from .conftest import CST, frozen
from .test_alerts import DAY, _copies, rules  # noqa: F401
from .test_browser import _page, _sign_in, _user, browser, pytestmark, shots  # noqa: F401

TEXTS = ("title_zh", "body_zh", "title_en", "body_en")
FILLERS = {"title_zh": "消费提示：谨慎选购", "body_zh": "近期相关投诉增多，请保留购物凭证，依法维权。",
           "title_en": "Consumer tip: buy with care",
           "body_en": "Complaints have risen lately: keep your receipts and stand up for your rights."}


def _spike():
    """A small synthetic year as the baseline, then 60 complaints about one goods/issue on DAY, added to the store
    incrementally, and the day's detection: the goods/issue alert (nationwide)."""
    synth.run(year=2026, cases=3000, seed=3, as_of=dt.datetime(2026, 11, 16, 10, tzinfo=CST))
    store.refresh(full=True)
    model = (Case.objects.filter(source=synth.SOURCE, kind="complaint", platform=None, authority__level=3)
             .exclude(respondent=None).exclude(category="").exclude(issue_type="")
             .select_related("authority").first())
    assert model is not None
    _copies(model, 60, day=DAY)
    assert store.refresh()["cases"] == 60  # incremental, by the event watermark
    assert detection.detect(day=DAY).alerts >= 1
    alert = Alert.objects.get(day=DAY, level="category", key=f"{model.category}:{model.issue_type}")
    assert alert.status == AlertStatus.OPEN and alert.scope == "100000" and alert.observed >= 60
    return alert


def _watch(page, errors):
    page.on("console", lambda m: errors.append(f"{page.url}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(f"{page.url}: {e}"))
    return page


def _post(page, action):
    """Submit the page's form that posts to `action` (a URL path), and wait for the page it leads to."""
    with page.expect_navigation():
        page.click(f"form[action='{action}'] button[type=submit]")
    page.wait_for_load_state()


@frozen(2026, 11, 16, 10)  # a Monday: detection checks Sunday 15 November
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_an_alert_becomes_a_published_consumer_warning(browser, live_server, shots, settings, tmp_path, rules,  # noqa: F811
                                                       language):
    settings.OMBUD_ANALYTICS_DIR = tmp_path / "store"
    alert = _spike()
    _user("guo_a", "supervisor", language=language, authority="100000")
    _user("guo_b", "supervisor", language=language, authority="100000")
    tag, en = language[:2], language == "en"
    errors = []

    # Supervisor A: the queue, the alert and its chart, then a draft from it
    page = _watch(_page(browser, live_server, language), errors)
    _sign_in(page, "guo_a")
    page.goto(page.base + "/desk/alerts/")
    row = page.locator(f"tr[data-alert='{alert.pk}']")
    assert row.is_visible()
    row.locator(f"a[href='/desk/alerts/{alert.pk}/']").last.click()
    page.wait_for_url(f"**/desk/alerts/{alert.pk}/")
    page.wait_for_selector("[data-chart] canvas")
    drawn = page.evaluate("() => echarts.getInstanceByDom(document.querySelector('[data-chart]')).getOption()"
                          ".series.map(s => s.data.length)")
    assert drawn == [60, 60, 60]  # complaints, expected, threshold: the last 60 days
    assert page.inner_text("[data-field=observed]") == str(alert.observed)
    page.screenshot(path=shots / f"{tag}-22-alert.png", full_page=True)
    _post(page, f"/desk/alerts/{alert.pk}/draft")
    warning = ConsumerWarning.objects.get(source_alert=alert)
    assert page.url.endswith(f"/desk/warnings/{warning.pk}/")
    for name in TEXTS:  # the draft is prefilled in both languages; fill in whatever is not
        if not page.input_value(f"#f-{name}").strip():
            page.fill(f"#f-{name}", FILLERS[name])
    assert page.input_value("#f-title_zh").startswith("消费提示")
    assert page.input_value("#f-title_en").startswith("Consumer tip")
    _post(page, f"/desk/warnings/{warning.pk}/edit")
    assert page.is_visible(".notice.success")
    warning.refresh_from_db()
    assert warning.status == WarningStatus.DRAFT and all(getattr(warning, n) for n in TEXTS)
    assert page.locator(f"form[action='/desk/warnings/{warning.pk}/approve']").count() == 0  # four eyes
    _post(page, "/accounts/logout/")

    # Supervisor B approves and publishes
    _sign_in(page, "guo_b")
    page.goto(page.base + "/desk/warnings/")
    page.click(f"tr[data-warning='{warning.pk}'] a")
    page.wait_for_url(f"**/desk/warnings/{warning.pk}/")
    _post(page, f"/desk/warnings/{warning.pk}/approve")
    warning.refresh_from_db()
    assert warning.status == WarningStatus.APPROVED and warning.approved_by.username == "guo_b"
    _post(page, f"/desk/warnings/{warning.pk}/publish")
    warning.refresh_from_db()
    assert warning.status == WarningStatus.PUBLISHED and warning.published_at
    with translation.override(language):
        assert page.inner_text("[data-field=status]") == warning.get_status_display()
    page.screenshot(path=shots / f"{tag}-23-warning.png", full_page=True)
    assert [e.action for e in warning.events.all()] == ["drafted", "edited", "approved", "published"]

    # The public, in the same language
    title, other = (warning.title_en, warning.title_zh) if en else (warning.title_zh, warning.title_en)
    public = _watch(_page(browser, live_server, language), errors)
    public.goto(public.base + "/warnings/")
    link = public.locator(f"article[data-warning='{warning.pk}'] h2 a")
    assert link.is_visible() and link.inner_text() == title
    assert other not in public.content()
    link.click()
    public.wait_for_url(f"**/warnings/{warning.pk}/")
    assert public.inner_text("main h1") == title
    body = (warning.body_en if en else warning.body_zh).split("\n")[0]
    assert body[:40] in public.inner_text("main article")
    public.screenshot(path=shots / f"{tag}-24-public-warning.png", full_page=True)
    for p in (page, public):
        p.context.close()
    assert errors == []
