"""The case thread: consumer, business (ODR lane) and the bureau; every message an event; audiences kept;
the business never gets the complainant's contact details, nor anything of a report."""
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from ombud.cases.models import Attachment, Case, CaseEvent
from ombud.core.errors import DomainError
from ombud.correspondence import selectors, services
from ombud.correspondence.models import Audience, CaseMessage
from ombud.intake.services import Actor

from .conftest import complaint, make_api
from .test_desk_case import _user
from .workflow_helpers import USCC, odr_business

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n% a photo of the broken fridge\n"
PHONE = "13800138000"


@pytest.fixture
def people(db):
    business = odr_business()
    return {"handler": _user("handler", "handler", "310115"), "xuhui": _user("xuhui", "handler", "310104"),
            "firm": _user("firm", "business", business=business), "business": business}


def _case(odr=True, kind="complaint"):
    """A complaint against the ODR business, sent to it directly (or not); the complainant tracks it in a browser."""
    respondent = {"name": "上海浦东鸿运家电销售有限公司", "uscc": USCC, "address": "上海市浦东新区张江路100号"}
    if kind == "report":
        body = {"kind": "report", "channel": "app", "respondent": respondent, "violation_type": "unlicensed",
                "conduct_address": "上海市浦东新区张江路100号", "facts": "无照经营",
                "complainant": {"name": "李四", "phone": PHONE, "address": "上海市徐汇区漕溪北路1号"}}
    else:
        body = complaint(respondent=respondent, complainant={"name": "张三", "phone": PHONE,
                                                             "address": "上海市徐汇区漕溪北路1号",
                                                             "email": "zhangsan@example.com"})
    r = make_api("integrator").post("/cases", body)
    assert r.status_code == 201, r.content
    ticket = r.json()["ticket"]
    if odr:
        from ombud.workflow.services import perform

        perform(ticket=ticket, action="odr_opt_in", actor=Actor(role="consumer"))
    consumer = Client()
    assert consumer.post("/track/", {"ticket": ticket, "phone": PHONE}).status_code == 302
    return Case.objects.get(ticket=ticket), consumer


def _thread(html):
    found = re.search(r'<section id="thread".*?</section>', html, re.S)
    return found.group(0) if found else ""


def _photo(name="fridge.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def test_the_consumer_adds_evidence_after_filing_and_it_is_an_event(people):
    case, consumer = _case(odr=False)
    r = consumer.post(f"/case/{case.ticket}/messages", {"body": "补充一张照片", "audience": "consumer_staff",
                                                         "files": [_photo()]})
    assert r.status_code == 302
    message = CaseMessage.objects.get(case=case)
    attachment = message.attachments.get()
    assert (message.author_role, message.audience, attachment.name) == ("consumer", "consumer_staff", "fridge.pdf")
    event = CaseEvent.objects.get(case=case, action="message_posted")
    assert event.article == "" and event.data["message"] == message.pk and event.data["statutory"] is False
    assert event.data["files"][0]["sha256"] == attachment.sha256 and event.from_status == event.to_status
    assert "补充一张照片" not in str(event.data) and event.reason == ""  # the text stays in the thread

    desk = people["handler"].get(f"/desk/case/{case.ticket}/").content.decode()
    assert "补充一张照片" in _thread(desk) and f"/desk/case/{case.ticket}/files/{attachment.pk}" in _thread(desk)
    got = people["handler"].get(f"/desk/case/{case.ticket}/files/{attachment.pk}")
    assert got.status_code == 200 and b"".join(got.streaming_content) == PDF
    assert people["xuhui"].get(f"/desk/case/{case.ticket}/").status_code == 404


def test_the_handler_answers_and_every_post_writes_one_event(people):
    case, consumer = _case(odr=False)
    h = people["handler"]
    consumer.post(f"/case/{case.ticket}/messages", {"body": "什么时候处理？", "audience": "consumer_staff"})
    r = h.post(f"/desk/case/{case.ticket}/messages", {"body": "已收到，三个工作日内答复。", "audience": "consumer_staff"},
               headers={"HX-Request": "true"})
    assert r.status_code == 200 and "已收到，三个工作日内答复。" in r.content.decode()  # htmx gets the thread back
    h.post(f"/desk/case/{case.ticket}/messages", {"body": "内部：先核实商家地址", "audience": "staff"})
    assert CaseEvent.objects.filter(case=case, action="message_posted").count() == CaseMessage.objects.count() == 3
    mine = _thread(consumer.get(f"/case/{case.ticket}/").content.decode())
    assert "已收到，三个工作日内答复。" in mine and "上海市浦东新区市场监督管理局" in mine
    assert "内部" not in mine and "handler" not in mine  # staff notes and staff names stay at the desk


def test_an_empty_message_is_refused_with_the_reason(people):
    case, consumer = _case(odr=False)
    r = consumer.post(f"/case/{case.ticket}/messages", {"body": "  ", "audience": "consumer_staff"},
                      headers={"HX-Request": "true"})
    assert r.status_code == 200 and 'role="alert"' in r.content.decode()  # htmx swaps only 2xx answers
    assert not CaseMessage.objects.exists() and not CaseEvent.objects.filter(action="message_posted").exists()


def test_the_business_never_sees_the_complainants_contact_details_in_the_thread(people):
    case, consumer = _case()
    consumer.post(f"/case/{case.ticket}/messages", {
        "body": f"请打我电话 {PHONE} 或 138-0013-8000，邮箱 zhangsan@example.com，地址上海市徐汇区漕溪北路1号",
        "audience": "all"})
    firm = _thread(people["firm"].get(f"/business/case/{case.ticket}/").content.decode())
    assert "请打我电话" in firm
    for secret in (PHONE, "138-0013-8000", "zhangsan@example.com", "漕溪北路", "张三"):
        assert secret not in firm, secret
    desk = _thread(people["handler"].get(f"/desk/case/{case.ticket}/").content.decode())
    assert PHONE in desk  # the bureau reads what was written


def test_the_business_answers_in_the_odr_lane_and_gets_only_files_sent_to_everyone(people):
    case, consumer = _case()
    firm = people["firm"]
    consumer.post(f"/case/{case.ticket}/messages", {"body": "给商家的照片", "audience": "all", "files": [_photo()]})
    consumer.post(f"/case/{case.ticket}/messages", {"body": "只给市场监管局", "audience": "consumer_staff",
                                                     "files": [_photo("private.pdf")]})
    shared = Attachment.objects.get(case=case, name="fridge.pdf")
    private = Attachment.objects.get(case=case, name="private.pdf")
    page = _thread(firm.get(f"/business/case/{case.ticket}/").content.decode())
    assert "给商家的照片" in page and "只给市场监管局" not in page and "private.pdf" not in page
    assert firm.get(f"/business/case/{case.ticket}/files/{shared.pk}").status_code == 200
    assert firm.get(f"/business/case/{case.ticket}/files/{private.pk}").status_code == 404
    r = firm.post(f"/business/case/{case.ticket}/messages", {"body": "可以上门检测", "audience": "all"})
    assert r.status_code == 302
    assert "可以上门检测" in _thread(consumer.get(f"/case/{case.ticket}/").content.decode())
    # The business's timeline has no trace of the message it was not sent.
    visible = [e for e in CaseEvent.objects.filter(case=case, action="message_posted")
               if selectors.sees_event(case, Actor(role="business", business=people["business"]), e.action, e.data)]
    assert len(visible) == 2
    with pytest.raises(DomainError):
        services.post_message(case=case, actor=Actor(role="business", business=people["business"]), body="x",
                              audience=Audience.STAFF)


def test_outside_the_odr_lane_the_business_has_no_thread(people):
    case, consumer = _case(odr=False)
    consumer.post(f"/case/{case.ticket}/messages", {"body": "给局里", "audience": "consumer_staff"})
    assert people["firm"].get(f"/business/case/{case.ticket}/").status_code == 200
    assert 'id="thread"' not in people["firm"].get(f"/business/case/{case.ticket}/").content.decode()
    assert people["firm"].post(f"/business/case/{case.ticket}/messages", {"body": "x", "audience": "all"}
                               ).status_code == 404
    assert consumer.post(f"/case/{case.ticket}/messages", {"body": "x", "audience": "all"}).status_code == 302
    assert not CaseMessage.objects.filter(audience="all").exists()  # refused: there is no business in the thread


def test_a_reporters_messages_never_reach_the_business(people):
    case, reporter = _case(odr=False, kind="report")
    business = Actor(role="business", business=people["business"])
    with pytest.raises(DomainError):
        services.post_message(case=case, actor=Actor(role="consumer"), body="商家在后门卖过期食品", audience=Audience.ALL)
    with pytest.raises(DomainError):
        services.post_message(case=case, actor=Actor(role="handler"), body="转告商家", audience=Audience.ALL)
    r = reporter.post(f"/case/{case.ticket}/messages", {"body": "商家在后门卖过期食品", "audience": "consumer_staff",
                                                        "files": [_photo()]})
    assert r.status_code == 302 and CaseMessage.objects.filter(case=case).count() == 1
    assert selectors.thread_for(case=case, viewer=business) == []
    assert selectors.attachments_for(case=case, viewer=business) == []
    attachment = Attachment.objects.get(case=case)
    firm = people["firm"]
    assert firm.get(f"/business/case/{case.ticket}/").status_code == 404
    assert firm.get(f"/business/case/{case.ticket}/files/{attachment.pk}").status_code == 404
    assert firm.post(f"/business/case/{case.ticket}/messages", {"body": "x", "audience": "all"}).status_code == 404
    assert "商家在后门卖过期食品" in people["handler"].get(f"/desk/case/{case.ticket}/").content.decode()


def test_messages_are_append_only(people):
    case, _ = _case(odr=False)
    message = services.post_message(case=case, actor=Actor(role="consumer"), body="一", audience="consumer_staff")
    message.body = "改过"
    with pytest.raises(RuntimeError):
        message.save()
    with pytest.raises(RuntimeError):
        message.delete()


def test_the_business_api_lists_neither_private_files_nor_messages_not_meant_for_it(people):
    case, consumer = _case()
    consumer.post(f"/case/{case.ticket}/messages", {"body": "给商家", "audience": "all", "files": [_photo()]})
    consumer.post(f"/case/{case.ticket}/messages", {"body": "只给局里", "audience": "consumer_staff",
                                                     "files": [_photo("id-card.pdf")]})
    people["handler"].post(f"/desk/case/{case.ticket}/messages", {"body": "内部", "audience": "staff"})
    seen = make_api("business", business=USCC).get(f"/cases/{case.ticket}").json()
    assert [a["name"] for a in seen["attachments"]] == ["fridge.pdf"]
    assert [e["data"]["audience"] for e in seen["events"] if e["action"] == "message_posted"] == ["all"]
    staff = make_api("handler", "310115").get(f"/cases/{case.ticket}").json()
    assert len(staff["attachments"]) == 2
    assert len([e for e in staff["events"] if e["action"] == "message_posted"]) == 3


def test_public_posting_is_rate_limited_and_keeps_the_draft(people, settings):
    case, consumer = _case(odr=False)
    settings.OMBUD_RATE_LIMITS, settings.OMBUD_PUBLIC_FORMS_PER_HOUR = True, 1
    consumer.post(f"/case/{case.ticket}/messages", {"body": "第一条", "audience": "consumer_staff"})
    r = consumer.post(f"/case/{case.ticket}/messages", {"body": "第二条", "audience": "consumer_staff"},
                      headers={"HX-Request": "true"})
    assert 'role="alert"' in r.content.decode() and ">第二条</textarea>" in r.content.decode()
    assert CaseMessage.objects.filter(case=case).count() == 1
