"""Every path of every state machine, walked through the API (DESIGN.md, issue 3)."""
import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from ombud.cases.models import CaseEvent
from ombud.workflow import machine
from ombud.workflow.models import CaseDeadline

from .conftest import ON_AN_R2026_DAY, complaint, make_api
from .workflow_helpers import USCC, Walker, consumer, odr_business

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    business = odr_business()
    me = consumer()
    return {
        "business": business, "consumer": me,
        "handler": make_api("handler", "310115"), "supervisor": make_api("supervisor", "310115"),
        "firm": make_api("business", business=USCC), "walker": Walker(make_api("supervisor", "100000", "probe")),
    }


def _complaint_body(**extra):
    return complaint(respondent={"name": "上海浦东鸿运家电销售有限公司", "uscc": USCC,
                                 "address": "上海市浦东新区张江路100号"},
                     complainant={"name": "张三", "phone": "13800138000", "address": "上海市徐汇区漕溪北路1号",
                                  "email": "zhangsan@example.com"}, **extra)


def _complaint(world, **extra):
    r = world["consumer"].post("/cases", _complaint_body(**extra))
    assert r.status_code == 201, r.content
    data = r.json()
    assert data["authority"]["code"] == "310115"
    return data["ticket"]


def _events(ticket):
    return list(CaseEvent.objects.filter(case__ticket=ticket).order_by("at", "id"))


def _assert_cited(ticket):
    for e in _events(ticket):
        assert e.article, f"{e.action} on {ticket} cites no article"


MEDIATION = {"consent_complainant": True, "consent_respondent": True, "mode": "remote", "mediator": "李调解",
             "scheduled_at": "2026-12-10T14:00:00+08:00", "place": "线上调解室"}


def walk_complaint_mediated_to_agreement_then_verdict_and_return_visit(world):
    w, h, me = world["walker"], world["handler"], world["consumer"]
    t = _complaint(world)
    case = w.sweep(t)
    assert [d["step"] for d in case["deadlines"]] == ["acceptance"]
    assert case["rule_set_version"]["code"] == "R2026"
    assert "accept" in h.get(f"/cases/{t}").json()["allowed_actions"]
    data = w.act(h, t, "accept", {"notes": "符合受理条件"})
    assert data["status"] == "accepted"
    steps = {d["step"]: d for d in data["deadlines"]}
    assert steps["acceptance"]["met_at"] and steps["mediation"]["unit"] == "calendar"
    w.sweep(t)
    w.act(h, t, "start_mediation", {**MEDIATION, "consent_respondent": False}, status=409)
    w.act(h, t, "start_mediation", MEDIATION)
    w.sweep(t)
    w.act(h, t, "recuse", {"mediator": "王调解", "reason": "与被投诉人有利害关系"})
    before = {d["step"]: d for d in w.act(h, t, "pause", {"reason": "testing", "notes": "送检"})["deadlines"]}
    assert before["mediation"]["paused"] and not before["mediation"]["overdue"]
    w.sweep(t)
    w.act(h, t, "resume", {"notes": "检测报告已出"})
    w.act(h, t, "flag_violation", {"finding": "涉嫌销售不合格产品"})
    w.act(h, t, "check_violation", {"finding": "已移交执法机构"})
    data = w.act(h, t, "agree", {"amount_recovered": "2999.00", "remedy_in_kind": "更换新机", "document": "signed",
                                 "terms": "被投诉人退还货款2999元"})
    assert data["status"] == "agreed" and Decimal(data["amount_recovered"]) == Decimal("2999.00")
    w.sweep(t)
    w.act(h, t, "close")
    w.sweep(t)
    w.act(me, t, "verdict", {"resolved": True, "rating_handling": 5, "rating_business": 4})
    w.act(me, t, "verdict", {"resolved": True, "rating_handling": 5, "rating_business": 4}, status=409)
    data = w.act(h, t, "return_visit", {"reached": True, "satisfied": True, "notes": "满意"})
    assert data["verdict"] == {"resolved": True, "rating_handling": 5, "rating_business": 4}
    assert [d["form"] for d in data["documents"]] == ["acceptance", "mediation_notice", "agreement"]
    assert data["procedure"]["mediation"]["mediators"] == ["李调解", "王调解"]
    w.sweep(t)
    _assert_cited(t)
    accepted = next(e for e in _events(t) if e.action == "accepted")
    assert accepted.article == "R2026 Art. 15" and accepted.to_status == "accepted"


def walk_refusal_cites_the_ground_and_the_consumer_rates_it(world):
    w, h = world["walker"], world["handler"]
    t = _complaint(world)
    r = h.post(f"/cases/{t}/actions/refuse", {"ground": 9})
    assert r.status_code == 409 and r.json()["field"] == "ground"
    data = w.act(h, t, "refuse", {"ground": 6, "reason": "拒不配合身份核验"})
    assert data["status"] == "refused" and data["outcome"] == "refused"
    assert data["events"][-1]["article"] == "R2026 Art. 16(6)"
    w.sweep(t)
    w.act(world["consumer"], t, "verdict", {"resolved": False, "rating_handling": 2, "rating_business": 1})
    _assert_cited(t)


def walk_identity_notice_then_termination_needs_service_before_closure(world):
    w, h = world["walker"], world["handler"]
    t = _complaint(world)
    data = w.act(h, t, "request_identity", {"days": 5, "materials": "身份证复印件"})
    assert {d["step"] for d in data["deadlines"] if not d["met_at"]} == {"acceptance", "identity"}
    assert data["documents"][0]["form"] == "identity"
    w.sweep(t)
    w.act(world["consumer"], t, "provide_identity", {"notes": "已上传"})
    w.act(h, t, "accept")
    data = w.act(h, t, "terminate", {"ground": 3, "reason": "被投诉人表示无法达成协议"})
    assert data["status"] == "terminated"
    assert data["events"][-1]["article"] == "R2026 Art. 23(1)(3)"
    notice = next(d for d in data["deadlines"] if d["step"] == "termination_notice")
    assert notice["unit"] == "working" and notice["days"] == 7 and not notice["met_at"]
    r = h.post(f"/cases/{t}/actions/close", {})
    assert r.status_code == 409 and "serve_termination" in r.json()["allowed_actions"]
    w.sweep(t)
    w.act(h, t, "serve_termination", {"method": "sms"})
    w.act(h, t, "close")
    _assert_cited(t)


def walk_odr_lane_settled_counts_as_presettlement(world):
    w, firm, me = world["walker"], world["firm"], world["consumer"]
    t = _complaint(world)
    data = w.act(me, t, "odr_opt_in")
    assert data["status"] == "odr" and data["odr_lane"]
    odr = next(d for d in data["deadlines"] if d["step"] == "odr")
    assert odr["days"] == 10 and odr["unit"] == "working"
    w.sweep(t)
    assert firm.get(f"/cases/{t}").json()["allowed_actions"] == ["odr_record", "odr_settle", "odr_fail"]
    w.act(firm, t, "odr_record", {"at": "2026-11-29T10:00:00+08:00", "method": "phone",
                                  "process": "电话沟通，同意退款", "outcome": "达成一致"})
    data = w.act(firm, t, "odr_settle", {"amount_recovered": "2999.00"})
    assert data["status"] == "closed" and data["outcome"] == "presettled"
    assert data["procedure"]["odr"]["records"][0]["method"] == "phone"
    _assert_cited(t)


def walk_odr_failure_escalates_with_its_history(world):
    w, firm, me, h = world["walker"], world["firm"], world["consumer"], world["handler"]
    t = _complaint(world)
    w.act(me, t, "odr_opt_in")
    w.act(firm, t, "odr_record", {"at": "2026-11-29T10:00:00+08:00", "method": "online", "process": "在线协商",
                                  "outcome": "消费者不接受方案"})
    w.act(firm, t, "odr_fail", {"reason": "协商未果"})
    w.sweep(t)
    data = w.act(me, t, "escalate", {"reason": "要求市场监管部门处理"})
    assert data["status"] == "received"
    escalated = data["events"][-1]
    assert escalated["data"]["odr"]["records"][0]["outcome"] == "消费者不接受方案"
    assert [d["step"] for d in data["deadlines"] if not d["met_at"]] == ["acceptance"]
    w.act(h, t, "accept")
    w.act(me, t, "withdraw", {"reason": "已自行解决"})
    w.sweep(t)
    w.act(me, t, "verdict", {"resolved": True, "rating_handling": 4, "rating_business": 3})
    _assert_cited(t)


def walk_odr_timeout_lets_the_consumer_escalate(world):
    w, me = world["walker"], world["consumer"]
    t = _complaint(world)
    w.act(me, t, "odr_opt_in")
    r = me.post(f"/cases/{t}/actions/escalate", {})
    assert r.status_code == 409 and r.json()["why"] == "ODR has neither failed nor timed out"
    CaseDeadline.objects.filter(case__ticket=t, step="odr").update(due=timezone.now() - dt.timedelta(hours=1))
    data = w.act(me, t, "escalate")
    assert data["procedure"]["odr"]["result"] == "timed_out"


def test_odr_needs_an_enrolled_business(world):
    world["business"].odr_enrolled = False
    world["business"].save()
    t = _complaint(world)
    r = world["consumer"].post(f"/cases/{t}/actions/odr_opt_in", {})
    assert r.status_code == 409 and r.json()["why"] == "the respondent is not enrolled in ODR"


def test_roles_are_checked(world):
    t = _complaint(world)
    r = world["consumer"].post(f"/cases/{t}/actions/accept", {})
    assert r.status_code == 403 and "handler" in r.json()["detail"]
    r = world["firm"].post(f"/cases/{t}/actions/withdraw", {})
    assert r.status_code == 403
    r = world["handler"].post(f"/cases/{t}/actions/accept", {"note": "typo"})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "note"


def walk_pending_dispatch_is_dispatched_with_form_3(world):
    w = world["walker"]
    body = complaint(respondent={"name": "无名小店", "address": "某地某路"})
    t = make_api("integrator").post("/cases", body).json()["ticket"]
    intake = make_api("operator", "100000")
    assert intake.get(f"/cases/{t}").json()["status"] == "pending_dispatch"
    w.act(intake, t, "dispatch", {"to_authority": "310115", "report_back_days": 7})
    data = world["handler"].get(f"/cases/{t}").json()
    assert data["status"] == "received" and data["documents"][0]["form"] == "dispatch"
    assert data["documents"][0]["number"].startswith("全国市监分〔") or "市监分〔" in data["documents"][0]["number"]


REPORT = {"kind": "report", "channel": "web", "complainant": {"name": "李四", "phone": "13900139000",
                                                               "address": "上海市浦东新区世纪大道1号"},
          "respondent": {"name": "上海浦东鸿运家电销售有限公司", "address": "上海市浦东新区张江路100号"},
          "conduct_address": "上海市浦东新区张江路100号", "violation_type": "product_quality",
          "facts": "销售不合格冰箱"}


def _report(**extra):
    r = make_api("integrator").post("/cases", {**REPORT, **extra})
    assert r.status_code == 201, r.content
    return r.json()["ticket"]


def walk_real_name_report_filed_penalised_rewarded_and_told(world):
    w, h, sup = world["walker"], world["handler"], world["supervisor"]
    t = _report()
    case = w.sweep(t)
    assert [d["step"] for d in case["deadlines"]] == ["verification"]
    w.act(h, t, "extend_verification", {"reason": "案情复杂"}, status=403)  # needs a supervisor's approval
    data = w.act(sup, t, "extend_verification", {"reason": "案情复杂"})
    assert data["deadlines"][0]["days"] == 30 and data["deadlines"][0]["extended"]
    w.sweep(t)
    w.act(h, t, "pause", {"reason": "appraisal"})
    w.act(h, t, "resume")
    data = w.act(h, t, "file_case", {"case_number": "沪浦市监立〔2026〕88号"})
    assert {d["step"] for d in data["deadlines"] if not d["met_at"]} == {"case_decision", "reporter_notice"}
    w.sweep(t)
    w.act(sup, t, "extend_case_decision", {"reason": "需要补充调查"})
    w.act(h, t, "record_penalty", {"fines": "50000", "confiscations": "20000", "decision_number": "沪浦市监罚〔2026〕1号"})
    # the decision is on the business's public record (the event the workflow writes, not the action's name)
    from ombud.cases.models import Case
    from ombud.cases.selectors import penalties_against

    report = Case.objects.get(ticket=t)
    day = timezone.localdate()
    assert [p["number"] for p in penalties_against(respondent_id=report.respondent_id, start=day - dt.timedelta(
        days=400), end=day + dt.timedelta(days=400))] == ["沪浦市监罚〔2026〕1号"]
    w.sweep(t)
    data = w.act(sup, t, "decide_reward", {"eligible": True, "tier": 1})
    assert Decimal(data["reward_amount"]) == Decimal("5000.00")  # 5 % of 70,000 is 3,500: the minimum applies
    w.act(h, t, "close", status=409)  # the reporter has not been told
    data = w.act(h, t, "notify_reporter")
    assert data["documents"][-1]["form"] == "report_result"
    w.act(h, t, "close")
    w.sweep(t)
    _assert_cited(t)


def walk_anonymous_report_not_filed_is_closed_without_a_notice(world):
    w, h = world["walker"], world["handler"]
    t = _report(anonymous=True)
    w.act(h, t, "decline_case", {"reason": "线索不足"})
    case = w.sweep(t)
    assert "notify_reporter" not in case["allowed_actions"]
    assert not [d for d in case["deadlines"] if d["step"] == "reporter_notice"]
    w.act(h, t, "close")
    _assert_cited(t)


def walk_consultation_is_answered_and_closed(world):
    w = world["walker"]
    r = make_api("integrator").post("/cases", {"kind": "consultation", "channel": "hotline",
                                               "complainant": {"name": "王五", "phone": "13700137000"},
                                               "facts": "预付卡商家跑路怎么办？"})
    t = r.json()["ticket"]
    assert r.json()["deadlines"] == []
    op = make_api("operator", "100000")
    w.act(op, t, "answer", {"answer": "可向发卡经营者所在地市场监管部门投诉。"})
    assert w.sweep(t)["status"] == "closed"
    _assert_cited(t)


@pytest.mark.parametrize("tier,base,expected", [
    (1, "70000", "5000.00"), (1, "200000", "10000.00"), (2, "1000000", "30000.00"), (3, "10000", "1000.00"),
    (1, "30000000", "1000000.00"), (3, "500000000", "1000000.00"),
])
def test_reward_tiers_minimums_and_cap(tier, base, expected):
    from ombud.rules.defaults import REWARDS
    from ombud.workflow.steps import reward_amount

    assert reward_amount(REWARDS, tier, Decimal(base)) == Decimal(expected)


def test_rewards_go_to_natural_persons_only(world):
    t = _report()
    h, sup = world["handler"], world["supervisor"]
    h.post(f"/cases/{t}/actions/file_case", {})
    h.post(f"/cases/{t}/actions/record_penalty", {"fines": "100000"})
    r = sup.post(f"/cases/{t}/actions/decide_reward", {"eligible": True, "tier": 2, "natural_person": False})
    assert r.status_code == 409 and r.json()["field"] == "natural_person"


def walk_moves_between_authorities(world):
    """Dispatch, transfer, return and takeover, for each kind."""
    w, desk, shanghai = world["walker"], make_api("operator", "100000", "desk"), make_api("supervisor", "310000")
    bodies = [_complaint_body(), {**REPORT}, {"kind": "consultation", "channel": "hotline",
                                               "complainant": {"name": "王五", "phone": "13700137000"},
                                               "facts": "如何查询商家信用？"}]
    for body in bodies:
        t = make_api("integrator").post("/cases", body).json()["ticket"]
        if desk.get(f"/cases/{t}").json()["status"] == "pending_dispatch":
            w.act(desk, t, "dispatch", {"to_authority": "310115"})
        w.sweep(t)
        w.act(desk, t, "transfer", {"to_authority": "310104", "reason": "实际经营地在徐汇"})
        data = w.act(desk, t, "return", {"reason": "不属本部门管辖"})
        assert data["status"] == "pending_dispatch" and data["authority"]["code"] == "100000"
        w.sweep(t)
        w.act(desk, t, "dispatch", {"to_authority": "310115", "report_back_days": 5})
        data = w.act(shanghai, t, "takeover", {"by_authority": "310000", "reason": "重大影响"})
        assert data["authority"]["code"] == "310000"
        _assert_cited(t)


WALKS = [walk_moves_between_authorities, walk_complaint_mediated_to_agreement_then_verdict_and_return_visit, walk_refusal_cites_the_ground_and_the_consumer_rates_it, walk_identity_notice_then_termination_needs_service_before_closure, walk_odr_lane_settled_counts_as_presettlement, walk_odr_failure_escalates_with_its_history, walk_odr_timeout_lets_the_consumer_escalate, walk_pending_dispatch_is_dispatched_with_form_3, walk_real_name_report_filed_penalised_rewarded_and_told, walk_anonymous_report_not_filed_is_closed_without_a_notice, walk_consultation_is_answered_and_closed]


@ON_AN_R2026_DAY
@pytest.mark.parametrize("walk", WALKS, ids=lambda f: f.__name__)
def test_walk(world, walk):
    walk(world)


@ON_AN_R2026_DAY
def test_the_walks_take_every_transition_and_visit_every_state(world):
    for walk in WALKS:
        walk(world)
    taken, visited = world["walker"].taken, world["walker"].states
    every = {(k, t.action) for t in machine.table() for k in t.kinds}
    assert every - taken == set(), "transitions no walk takes"
    states = {(k, src) for t in machine.table() for k in t.kinds for src in t.sources}
    states |= {(k, t.target) for t in machine.table() for k in t.kinds if t.target}
    assert states - visited == set(), "states no walk reaches"


@ON_AN_R2026_DAY
def test_delegated_mediation_needs_the_complainants_consent(world):
    h = world["handler"]
    refused = _complaint(world, consent_delegated_mediation=False)
    h.post(f"/cases/{refused}/actions/accept", {})
    r = h.post(f"/cases/{refused}/actions/start_mediation", {**MEDIATION, "delegated_to": "浦东新区消费者权益保护委员会"})
    assert r.status_code == 409 and r.json()["field"] == "delegated_to"
    agreed = _complaint(world, consent_delegated_mediation=True)
    h.post(f"/cases/{agreed}/actions/accept", {})
    data = h.post(f"/cases/{agreed}/actions/start_mediation",
                  {**MEDIATION, "mode": "in_person", "delegated_to": "浦东新区消费者权益保护委员会"}).json()
    started = data["events"][-1]
    assert started["article"] == "R2026 Art. 20" and started["data"]["delegated_to"].startswith("浦东新区消费者")
    assert data["procedure"]["mediation"]["mode"] == "in_person"
