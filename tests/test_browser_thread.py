"""In a real browser: the consumer adds a message with a file to the thread after filing (htmx, no reload),
and the handler reads it and downloads the file from the desk case page."""
import os

import pytest

from .test_browser import CHROMIUM, _page, _sign_in, _user, browser  # noqa: F401  (browser is a fixture)

pytestmark = [pytest.mark.django_db(transaction=True),
              pytest.mark.skipif(not os.path.exists(CHROMIUM) and os.environ.get("OMBUD_TEST_BROWSER") != "require",
                                 reason="Debian's chromium is not installed (.ci/run installs it)")]

PDF = b"%PDF-1.4\n% the receipt, found later\n"


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_consumer_posts_a_message_with_a_file_and_the_handler_sees_it(browser, live_server, tmp_path, language):
    from tests.conftest import complaint, make_api

    from ombud.cases.models import CaseEvent
    from ombud.correspondence.models import CaseMessage

    ticket = make_api("integrator").post("/cases", complaint()).json()["ticket"]  # at Pudong (310115)
    _user("handler", "handler", language=language, authority="310115")
    receipt = tmp_path / "receipt.pdf"
    receipt.write_bytes(PDF)

    consumer = _page(browser, live_server, language)
    consumer.goto(consumer.base + "/track/")
    consumer.fill("#t-ticket", ticket)
    consumer.fill("#t-phone", "13800138000")
    consumer.click("form.card button[type=submit]")
    consumer.wait_for_url(f"**/case/{ticket}/")
    consumer.fill("#m-body", "补充：找到了购物小票")
    consumer.set_input_files("#m-files", str(receipt))
    consumer.click("#thread button[type=submit]")
    consumer.wait_for_selector("#thread .message:has-text('补充：找到了购物小票')")  # swapped in by htmx
    assert consumer.locator("#thread .message a[download]").inner_text() == "receipt.pdf"
    assert consumer.input_value("#m-body") == ""  # a fresh form for the next message
    message = CaseMessage.objects.get(case__ticket=ticket)
    assert message.attachments.count() == 1
    assert CaseEvent.objects.filter(case__ticket=ticket, action="message_posted", data__message=message.pk).exists()

    handler = _page(browser, live_server, language)
    _sign_in(handler, "handler")
    handler.goto(handler.base + f"/desk/case/{ticket}/")
    assert handler.is_visible("#thread .message:has-text('补充：找到了购物小票')")
    with handler.expect_download() as download:
        handler.click("#thread .message a[download]")
    assert download.value.suggested_filename == "receipt.pdf"
    assert open(download.value.path(), "rb").read() == PDF
    assert handler.is_visible("#entered a[download]:has-text('receipt.pdf')")  # listed with the case's files too


def test_the_transfer_picker_finds_an_authority_by_name(browser, live_server):
    from tests.conftest import complaint, make_api

    from ombud.cases.models import Case

    ticket = make_api("integrator").post("/cases", complaint()).json()["ticket"]
    _user("handler", "handler", language="zh-hans", authority="310115")
    page = _page(browser, live_server, "zh-hans")
    _sign_in(page, "handler")
    page.goto(page.base + f"/desk/case/{ticket}/act/transfer/")
    page.locator("#a-to_authority").press_sequentially("徐汇")
    page.click("#to_authority-suggestions button:has-text('上海市徐汇区市场监督管理局')")
    assert page.input_value("#a-to_authority") == "310104"
    assert "上海市徐汇区市场监督管理局" in page.inner_text("#to_authority-chosen")
    page.fill("#a-reason", "在徐汇经营")
    page.click("#action-form button[type=submit]")
    page.wait_for_load_state()
    assert Case.objects.get(ticket=ticket).authority.code == "310104"
