"""The business, signed in through a real browser, never sees the consumer's phone or address (issue 8)."""
import os

import pytest

from .test_browser import CHROMIUM, _page, _sign_in, _user, browser  # noqa: F401 (browser is a fixture)

pytestmark = [pytest.mark.django_db(transaction=True),
              pytest.mark.skipif(not os.path.exists(CHROMIUM) and os.environ.get("OMBUD_TEST_BROWSER") != "require",
                                 reason="Debian's chromium is not installed (.ci/run installs it)")]


def test_the_business_sees_the_name_but_not_the_phone(browser, live_server):  # noqa: F811
    from tests.conftest import complaint, make_api
    from tests.workflow_helpers import USCC, odr_business

    business = odr_business()
    body = complaint(respondent={"name": business.name, "uscc": USCC, "address": "上海市浦东新区张江路100号"},
                     complainant={"name": "张伟", "phone": "13800138000", "address": "上海市徐汇区漕溪北路1号"})
    ticket = make_api("integrator").post("/cases", body).json()["ticket"]
    _user("firm", "business", language="zh-hans", business=business)
    page = _page(browser, live_server, "zh-hans")
    _sign_in(page, "firm")
    page.click(f"a[href='/business/case/{ticket}/']")  # from the list, as a person would
    page.wait_for_load_state()
    text = page.inner_text("main")
    assert "张伟" in text and ticket in text
    assert "13800138000" not in page.content() and "漕溪北路" not in page.content()
