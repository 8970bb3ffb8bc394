"""One clock, one date: every place that shows a deadline shows the same last day (issue 8).

A clock's `due` is 00:00 local of the day after its last day (the period ends at 24:00), so a
page that formats `due` itself shows the following day. These tests file cases on a day where
that slip is visible and look for the last day, and not the day after, everywhere.
"""
import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from ombud.accounts.models import Profile
from ombud.cases.models import Case
from ombud.notify.models import Message
from ombud.workflow.escalation import escalate_overdue
from ombud.workflow.models import CaseDeadline
from ombud.workflow.services import perform

from .conftest import CST, complaint, frozen, make_api
from .workflow_helpers import USCC, odr_business, signed_in

pytestmark = pytest.mark.django_db

# Filed on Wednesday 2 December 2026: 7 working days for acceptance end on Friday 11 December;
# 10 working days in the ODR lane end on Wednesday 16 December.
FILED = frozen(2026, 12, 2, 10)
ACCEPTANCE_LAST_DAY = dt.date(2026, 12, 11)
ODR_LAST_DAY = dt.date(2026, 12, 16)


def _forms(day):
    """The ways a date is written on our pages, messages and documents."""
    return {day.isoformat(), f"{day.year}年{day.month}月{day.day}日", f"{day.year}年{day.month:02d}月{day.day:02d}日",
            day.strftime("%b. ") + f"{day.day}, {day.year}", day.strftime("%B ") + f"{day.day}, {day.year}"}


def _shows(text, day):
    return any(f in text for f in _forms(day))


def assert_shows_only(where, text, day):
    assert _shows(text, day), f"{where} does not show {day}"
    after = day + dt.timedelta(days=1)
    assert not _shows(text, after), f"{where} shows {after}, the day after the last day {day}"


def _client(username, role, *, authority=None, business=None, language="zh-hans"):
    return signed_in(username, role, authority=authority, business=business, language=language)


def _file_as(client, **extra):
    form = {"respondent_name": "上海浦东鸿运家电销售有限公司", "respondent_uscc": USCC,
            "respondent_address": "上海市浦东新区张江路100号", "category": "household_electronics",
            "issue_type": "quality", "request": "退货退款", "facts": "冰箱不制冷", "complainant_name": "张三",
            "complainant_phone": "13800138000", "complainant_address": "上海市徐汇区漕溪北路1号",
            "consent_disclosure": "yes", **extra}
    r = client.post("/complaint/", form)
    assert r.status_code == 302, r.content.decode()[:2000]
    return r["Location"].split("/")[2]


def _main(html):
    """The page without its header and footer (the language switch, the clock in the footer)."""
    m = re.search(r"<main\b.*?</main>", html, re.S)
    return m.group(0) if m else html


@FILED
def test_the_same_last_day_in_every_place(time_machine):
    business = odr_business()
    handler, handler_user = _client("handler", "handler", authority="310115")
    supervisor, _ = _client("sup", "supervisor", authority="310115")
    firm, _ = _client("firm", "business", business=business)
    consumer_zh, _ = _client("me", "consumer")
    consumer_en, _ = _client("you", "consumer", language="en")

    ticket = _file_as(consumer_zh)
    case = Case.objects.get(ticket=ticket)
    Case.objects.filter(pk=case.pk).update(handler=handler_user)
    clock = CaseDeadline.objects.get(case=case, step="acceptance")
    assert clock.last_day == ACCEPTANCE_LAST_DAY  # the model's own answer
    day = ACCEPTANCE_LAST_DAY

    pages = {
        "handler queue": handler.get("/desk/"),
        "handler case page": handler.get(f"/desk/case/{ticket}/"),
        "business list": firm.get("/business/"),
        "business case page": firm.get(f"/business/case/{ticket}/"),
        "consumer's list": consumer_zh.get("/my/"),
        "consumer's case page": consumer_zh.get(f"/case/{ticket}/"),
    }
    tracker = Client()
    assert tracker.post("/track/", {"ticket": ticket, "phone": "13800138000"}).status_code == 302
    pages["tracking page"] = tracker.get(f"/case/{ticket}/")
    for where, r in pages.items():
        assert r.status_code == 200, where
        assert_shows_only(where, _main(r.content.decode()), day)

    # the API: the last day, and the last second of it in the configured zone
    shown = make_api("handler", "310115").get(f"/cases/{ticket}").json()["deadlines"][0]
    assert shown["last_day"] == day.isoformat()
    assert dt.datetime.fromisoformat(shown["due"]) == dt.datetime(2026, 12, 11, 23, 59, 59, tzinfo=CST)

    # the same case for an English reader (the consumer's own list needs their own case)
    english = _file_as(consumer_en)
    for where, path in (("English consumer's list", "/my/"), ("English case page", f"/case/{english}/")):
        r = consumer_en.get(path)
        assert_shows_only(where, _main(r.content.decode()), day)

    # past the last day: the overdue digest and the overdue view name the same day
    time_machine.move_to(dt.datetime(2026, 12, 12, 9, tzinfo=CST))
    assert escalate_overdue() == 2
    digests = list(Message.objects.filter(template="overdue_digest"))
    assert {m.to for m in digests} == {"handler@example.com", "sup@example.com"}
    for m in digests:
        assert_shows_only(f"overdue digest to {m.to}", m.subject + m.body, day)
        assert "是否受理的决定" in m.body and "acceptance" not in m.body  # the step in the reader's words
    overdue = handler.get("/desk/", {"view": "overdue"}).content.decode()
    assert ticket in overdue
    assert_shows_only("overdue queue", _main(overdue), day)
    overview = supervisor.get("/desk/overview/")
    assert_shows_only("supervisor overview", _main(overview.content.decode()), day)


@FILED
def test_the_identity_notice_and_its_clock_agree():
    business = odr_business()
    handler, _ = _client("handler", "handler", authority="310115")
    body = complaint(respondent={"name": business.name, "uscc": USCC, "address": "上海市浦东新区张江路100号"},
                     complainant={"name": "张三", "phone": "13800138000", "address": "上海市徐汇区漕溪北路1号",
                                  "email": "zhangsan@example.com"})
    ticket = make_api("integrator").post("/cases", body).json()["ticket"]
    from ombud.intake.services import Actor

    staff = get_user_model().objects.get(username="handler")
    _, _, documents = perform(ticket=ticket, action="request_identity",
                              actor=Actor(role="handler", user=staff, authority=staff.profile.authority),
                              fields={"days": 5})
    last_day = dt.date(2026, 12, 9)  # 5 working days after Wednesday 2 December
    assert CaseDeadline.objects.get(case__ticket=ticket, step="identity").last_day == last_day
    import json

    from ombud.documents.selectors import view as document_view

    notice = documents[0]
    assert_shows_only("identity notice", json.dumps(notice.content, ensure_ascii=False), last_day)
    printable = handler.get(document_view(notice)["url"])
    assert printable.status_code == 200
    assert_shows_only("printable identity notice", printable.content.decode(), last_day)
    page = handler.get(f"/desk/case/{ticket}/").content.decode()
    identity_row = re.search(r"<tr[^>]*>(?:(?!</tr>).)*(?:身份证明材料|Identity materials)(?:(?!</tr>).)*</tr>", page, re.S)
    assert identity_row, "no identity row in the deadline table"
    assert_shows_only("identity row of the deadline table", identity_row.group(0), last_day)
    message = Message.objects.get(template="identity_requested")
    assert_shows_only("identity message", message.body, last_day)


# ---- the deadline table: one row per step, in its true state ---------------------------------

def _table(html):
    m = re.search(r"<h2>(?:期限|Deadlines)</h2>\s*<table>.*?</table>", _main(html), re.S)
    assert m, "no deadline table"
    return m.group(0)


def _rows(case):
    from ombud.workflow.presenters import deadline_rows

    case = Case.objects.prefetch_related("deadlines", "events").select_related("rule_set").get(pk=case.pk)
    return deadline_rows(case)


def _odr_case():
    business = odr_business()
    consumer, user = _client("me", "consumer")
    ticket = _file_as(consumer, odr="on")
    case = Case.objects.get(ticket=ticket)
    assert case.status == "odr"
    return consumer, user, business, case


@FILED
def test_an_odr_filing_shows_no_decision_on_acceptance():
    consumer, _, _, case = _odr_case()
    handler, _ = _client("handler", "handler", authority="310115")
    rows = {r["step"]: r for r in _rows(case)}
    assert rows["odr"]["state"] == "running" and rows["odr"]["last_day"] == ODR_LAST_DAY
    assert rows["acceptance"]["state"] == "not_started" and rows["acceptance"]["last_day"] is None
    assert [h["state"] for h in rows["acceptance"]["history"]] == ["set_aside"]
    assert [r["step"] for r in _rows(case)].count("acceptance") == 1
    for page in (consumer.get(f"/case/{case.ticket}/"), handler.get(f"/desk/case/{case.ticket}/")):
        table = _table(page.content.decode())
        assert 'data-state="met"' not in table and "已完成" not in table
        assert 'data-state="not_started"' in table and "未开始" in table
        assert_shows_only("the ODR row", table.split("</tr>")[1], ODR_LAST_DAY)
    # settled in the lane: the bureau never decides, and nothing is left "not started"
    from ombud.intake.services import Actor

    perform(ticket=case.ticket, action="odr_settle", actor=Actor(role="consumer", user=case.submitted_by_user),
            fields={"amount_recovered": "100.00"})
    rows = {r["step"]: r for r in _rows(case)}
    assert set(rows) == {"odr", "acceptance"} and rows["odr"]["state"] == "met"
    assert rows["acceptance"]["state"] == "set_aside" and len(rows["acceptance"]["history"]) == 1


@FILED
def test_escalation_gives_one_acceptance_row_with_its_history(time_machine):
    from ombud.intake.services import Actor

    consumer, user, business, case = _odr_case()
    firm = get_user_model().objects.create_user("firm", "firm@example.com", "pw")
    Profile.objects.create(user=firm, role="business", business=business, language="zh-hans")
    time_machine.move_to(dt.datetime(2026, 12, 4, 10, tzinfo=CST))
    perform(ticket=case.ticket, action="odr_fail", actor=Actor(role="business", user=firm, business=business),
            fields={"reason": "协商不成"})
    perform(ticket=case.ticket, action="escalate", actor=Actor(role="consumer", user=user), fields={})
    rows = _rows(case)
    acceptance = [r for r in rows if r["step"] == "acceptance"]
    assert len(acceptance) == 1
    row = acceptance[0]
    # a new 7-working-day clock from Friday 4 December: Monday 7 ... Tuesday 15 December
    assert row["state"] == "running" and row["last_day"] == dt.date(2026, 12, 15)
    assert [(h["state"], h["last_day"]) for h in row["history"]] == [("set_aside", ACCEPTANCE_LAST_DAY)]
    assert {r["step"]: r["state"] for r in rows}["odr"] == "met"
    table = _table(consumer.get(f"/case/{case.ticket}/").content.decode())
    assert table.count("<details") == 1 and table.count('data-state="running"') == 1
    history = re.search(r"<details.*?</details>", table, re.S).group(0)
    assert "未作决定即结束" in history and "ODR" in history  # why the first clock closed: the ODR lane
    assert_shows_only("the acceptance history", history, ACCEPTANCE_LAST_DAY)


@FILED
def test_provisional_only_on_a_running_clock(time_machine):
    handler, staff = _client("handler", "handler", authority="310115")
    business = odr_business()
    body = complaint(respondent={"name": business.name, "uscc": USCC, "address": "上海市浦东新区张江路100号"})
    ticket = make_api("integrator").post("/cases", body).json()["ticket"]
    handler.post(f"/desk/case/{ticket}/act/accept/", {"notes": "符合受理条件"})
    case = Case.objects.get(ticket=ticket)
    assert case.status == "accepted"
    # 60 days of mediation from 2 December 2026 end in 2027, a year with no arrangement loaded yet
    mediation = {r["step"]: r for r in _rows(case)}["mediation"]
    assert mediation["state"] == "running" and mediation["provisional"]
    assert "暂定" in _table(handler.get(f"/desk/case/{ticket}/").content.decode())
    time_machine.move_to(dt.datetime(2026, 12, 20, 10, tzinfo=CST))
    api = make_api("handler", "310115")
    for action, body in (("start_mediation", {"consent_complainant": True, "consent_respondent": True,
                                               "mode": "remote", "mediator": "李"}),
                         ("agree", {"amount_recovered": "100.00", "document": "record"})):
        r = api.post(f"/cases/{ticket}/actions/{action}", body)
        assert r.status_code == 200, r.content.decode()
    assert CaseDeadline.objects.get(case=case, step="mediation").provisional  # the stored flag stays
    rows = _rows(case)
    assert all(r["state"] == "met" and not r["provisional"] for r in rows if r["step"] in ("acceptance", "mediation"))
    handler.force_login(staff)  # the session from 18 days ago has expired
    table = _table(handler.get(f"/desk/case/{ticket}/").content.decode())
    assert table.count('data-state="met"') == 2 and "暂定" not in table and "badge provisional" not in table
