"""The two rule sets in DESIGN.md, as seed data. Administrators amend them in the admin.

Every entry carries `confirmed`. Article numbers that DESIGN.md gives are confirmed=True;
the rest (DESIGN.md: "R2026 equivalents to be confirmed") are our best reading and must be
checked against the gazette text, then corrected in the admin — no release needed.
"""
import datetime as dt


def _c(article, text, confirmed=True):
    return {"article": article, "text": text, "confirmed": confirmed}


def _p(days, unit, start, article, *, pausable=False, extension=0, approval=False, confirmed=True):
    """A period: `days` in `unit` ("working" or "calendar") counted from the event `start`."""
    return {"days": days, "unit": unit, "from": start, "article": article, "pausable": pausable,
            "extension_days": extension, "extension_needs_approval": approval, "confirmed": confirmed}


def _g(article, items):
    """Grounds as [{item, article, text_zh, text_en}], numbered from 1."""
    return [{"item": i, "article": f"{article}({i})", "text_zh": zh, "text_en": en}
            for i, (zh, en) in enumerate(items, start=1)]


_REFUSAL_COMMON = [
    ("不属于市场监督管理部门职责，或者本行政机关不具有处理权限",
     "outside market-regulation duties, or this authority lacks competence"),
    ("法院、仲裁机构、市场监督管理部门或者其他行政机关、消费者协会或者依法成立的其他调解组织已经受理或者处理过同一消费者权益争议",
     "the same dispute is already before, or has been handled by, a court, arbitration body, agency or consumer association"),
    ("不是为生活消费需要购买、使用商品或者接受服务，或者不能证明与被投诉人之间存在消费者权益争议",
     "not for personal living consumption, or no provable dispute with the respondent"),
    ("除法律另有规定外，投诉人知道或者应当知道自己的权益受到被投诉人侵害之日起超过三年",
     "more than 3 years since the complainant knew or should have known of the harm"),
    ("未提供本办法规定的材料，或者提供的材料虚假", "required materials missing, or false materials given"),
]
_OTHER = ("法律、法规、规章规定不予受理的其他情形", "other grounds in law")
_IMPERSONATION = ("冒用他人身份或者拒不配合身份核验", "the complainant impersonates someone or refuses identity verification")

_PERIODS_COMMON = {
    "acceptance": _p(7, "working", "receipt", "Art. 14"),
    "termination_notice": _p(7, "working", "termination", "Art. 21"),
    "violation_check": _p(15, "working", "discovery", "Art. 23", extension=15),
    "verification": _p(15, "working", "receipt", "Procedure Rules Art. 18", pausable=True, extension=15, approval=True),
    "reporter_notice": _p(5, "working", "filing_decision", "Art. 31"),
    "case_decision": _p(90, "calendar", "filing", "Procedure Rules Art. 64", extension=30, approval=True),
    "odr": _p(10, "working", "forwarding", "ODR commitment", confirmed=False),
    "jurisdiction_dispute": _p(7, "working", "dispute", "Art. 11", confirmed=False),
    # The notice sets its own time limit; 10 is the default a handler may change per case.
    "identity": _p(10, "working", "identity_notice", "Art. 10(3)", confirmed=False),
}

_ROUTING_R2022 = {
    "intake.split": _c("Art. 7", "complaint and report in one submission are handled separately"),
    "intake.required": _c("Art. 9", "complainant name, phone, address; respondent name, address; request and facts"),
    "routing.complaint": _c("Art. 10", "respondent's actual place of business or domicile, county level", False),
    "routing.platform": _c("Art. 10", "platform operator or self-run site: its domicile", False),
    "routing.merchant": _c("Art. 10", "merchant on a platform: where it operates, or the platform's domicile", False),
    "routing.first_received": _c("Art. 11", "several competent authorities: the first to receive keeps it", False),
    "routing.takeover": _c("Art. 10", "a higher authority may handle a case of a lower one", False),
    "routing.report": _c("Art. 26", "reports go where the conduct occurred", False),
    "routing.advertising": _c("Art. 28", "advertising: where the advertisement publisher is located", False),
    "routing.transfer": _c("Art. 12", "a case outside competence goes to the competent authority", False),
    "routing.return": _c("Art. 37", "a department returns a case it does not own to the intake unit"),
    "routing.dispatch": _c("Art. 37", "the intake unit dispatches the case, with a date to report back", False),
}

_WORKFLOW_R2022 = {
    "acceptance": _c("Art. 14", "decide acceptance within 7 working days of receipt and notify the complainant"),
    "refusal": _c("Art. 15", "refusal grounds, items 1–6; other routes under CRPL Art. 39"),
    "identity_notice": _c("Art. 9", "the complaint must carry the complainant's identity and contact details", False),
    "mediation": _c("Art. 17", "with both parties' consent the authority mediates, remotely or in person", False),
    "mediation.delegation": _c("Art. 18", "mediation may be delegated to a consumer association", False),
    "mediation.recusal": _c("Art. 19", "a mediator with a conflict of interest withdraws", False),
    "mediation.pause": _c("Art. 20", "testing and appraisal time is not counted in the mediation period"),
    "mediation.resume": _c("Art. 20", "testing or appraisal finished; the mediation period runs again"),
    "agreement": _c("Art. 22", "agreement reached: a mediation document, or a record of agreement", False),
    "termination": _c("Art. 21", "termination grounds, items 1–7; both parties told within 7 working days"),
    "termination.notice": _c("Art. 21", "both parties told of the termination within 7 working days"),
    "withdrawal": _c("Art. 21(1)", "the complainant withdraws the complaint"),
    "violation": _c("Art. 23", "a violation found during mediation is checked within 15 working days, +15"),
    "closure": _c("Art. 21", "the complaint's handling ends", False),
    "verdict": _c("Art. 27", "the consumer's evaluation of the handling (IR Art. 27 data analysis)", False),
    "odr": _c("ODR commitment", "the enrolled business negotiates directly within 10 working days", False),
    "odr.escalation": _c("Art. 14", "the consumer turns to the authority after ODR failed or timed out", False),
    "report.verification": _c("Procedure Rules Art. 18", "check a report within 15 working days, +15 with approval"),
    "report.filing": _c("Procedure Rules Art. 18", "decide whether to file a case"),
    "report.notice": _c("Art. 31", "a real-name reporter is told within 5 working days whether a case was filed"),
    "report.penalty": _c("Procedure Rules Art. 64", "decide a filed case within 90 days, +30"),
    "report.reward": _c("Reward Measures Art. 9", "rewards by tier: 5 %/3 %/1 %, minimum 5,000/3,000/1,000, "
                        "cap 1,000,000 per case, natural persons only", False),
    "report.closure": _c("Art. 31", "the report's handling ends", False),
    "consultation.answer": _c("Art. 2", "consultations are answered and closed; not governed by the complaint rules",
                              False),
    "deadline.overdue": _c("Art. 14", "a statutory period ran out: escalated to the supervisor", False),
}

R2022 = {
    "code": "R2022",
    "version": 1,
    "title": "市场监督管理投诉举报处理暂行办法",
    "instrument": "SAMR Order No. 20 of 2019, amended 2022",
    "effective_from": dt.date(2020, 1, 1),
    "effective_until": dt.date(2026, 4, 15),
    "citations": {**_ROUTING_R2022, **_WORKFLOW_R2022},
    "periods": {**_PERIODS_COMMON,
                "mediation": _p(45, "working", "acceptance", "Art. 21(5)", pausable=True)},
    "refusal_grounds": _g("Art. 15", _REFUSAL_COMMON + [_OTHER]),
    "termination_grounds": _g("Art. 21", [
        ("投诉人撤回投诉或者双方当事人自行和解", "the complainant withdraws, or the parties settle themselves"),
        ("投诉人与被投诉人对委托承担检定、检验、检测、鉴定工作的技术机构或者费用承担无法协商一致",
         "no agreement on the testing body or its cost"),
        ("投诉人或者被投诉人无正当理由不参加调解，或者被投诉人明确拒绝调解",
         "a party refuses or fails to attend without good reason"),
        ("经组织调解，投诉人或者被投诉人明确表示无法达成调解协议", "a party says agreement is impossible"),
        ("自投诉受理之日起45个工作日内投诉人和被投诉人未能达成调解协议", "45 working days pass without agreement"),
        ("市场监督管理部门受理投诉后，发现存在本办法第十五条规定情形", "a refusal ground is discovered after acceptance"),
        ("法律、法规、规章规定的应当终止调解的其他情形", "other grounds in law"),
    ]),
}

_R2026_CITATIONS = {
    **{k: {**v, "confirmed": False} for k, v in _ROUTING_R2022.items()},
    **{k: {**v, "confirmed": False} for k, v in _WORKFLOW_R2022.items()},
    "intake.identity": _c("Art. 10(1)", "identity materials"),
    "identity_notice": _c("Art. 10(3)", "a time-limited notice to provide identity materials"),
    "routing.complaint": _c("Art. 12", "respondent's actual place of business or domicile, county level", False),
    "routing.platform": _c("Art. 12", "platform operator or self-run site: its domicile", False),
    "routing.merchant": _c("Art. 12", "merchant on a platform: where it operates, or the platform's domicile", False),
    "routing.platform_fallback": _c(
        "Art. 12", "merchant with no published address, or unreachable there: the platform's domicile", False),
    "routing.first_received": _c("Art. 13", "several competent authorities: the first to receive keeps it", False),
    "routing.takeover": _c("Art. 12", "a higher authority may handle a case of a lower one", False),
    "routing.report": _c("Art. 28", "reports go where the conduct occurred", False),
    "routing.advertising": _c("Art. 30", "advertising: where the advertisement publisher is located", False),
    "routing.transfer": _c("Art. 14", "a case outside competence goes to the competent authority", False),
    "acceptance": _c("Art. 15", "decide acceptance within 7 working days (IR Art. 46)", False),
    "refusal": _c("Art. 16", "refusal grounds, items 1–7; other routes under CRPL Art. 39"),
    "termination": _c("Art. 23(1)", "termination grounds, items 1–8"),
    "termination.notice": _c("Art. 23", "both parties told of the termination within 7 working days", False),
    "withdrawal": _c("Art. 23(1)(1)", "the complainant withdraws the complaint"),
    "mediation": _c("Art. 19", "with both parties' consent the authority mediates, remotely or in person", False),
    "mediation.delegation": _c("Art. 20", "mediation may be delegated to a consumer association", False),
    "mediation.recusal": _c("Art. 21", "a mediator with a conflict of interest withdraws", False),
    "mediation.pause": _c("Art. 22", "testing and appraisal time is not counted in the mediation period", False),
    "mediation.resume": _c("Art. 22", "testing or appraisal finished; the mediation period runs again", False),
    "agreement": _c("Art. 24", "agreement reached: a mediation document, or a record of agreement", False),
    "return_visit": _c("Art. 26", "return visit after closure (new in R2026)", False),
    "report.notice": _c("Art. 31(2)", "a real-name reporter is told whether a case was filed"),
}

R2026 = {
    "code": "R2026",
    "version": 1,
    "title": "市场监督管理投诉举报处理办法",
    "instrument": "SAMR Order No. 121, published 2025-12-30",
    "effective_from": dt.date(2026, 4, 15),
    "effective_until": None,
    "citations": _R2026_CITATIONS,
    "periods": {**_PERIODS_COMMON,
                "acceptance": _p(7, "working", "receipt", "Art. 15", confirmed=False),
                "termination_notice": _p(7, "working", "termination", "Art. 23", confirmed=False),
                "mediation": _p(60, "calendar", "acceptance", "Art. 23(1)(5)", pausable=True),
                "identity": _p(10, "working", "identity_notice", "Art. 10(3)", confirmed=False)},
    "refusal_grounds": _g("Art. 16", _REFUSAL_COMMON + [_IMPERSONATION, _OTHER]),
    "termination_grounds": _g("Art. 23(1)", [
        ("投诉人撤回投诉或者双方当事人自行和解", "the complainant withdraws, or the parties settle themselves"),
        ("投诉人或者被投诉人无正当理由不参加调解，或者被投诉人明确拒绝调解",
         "a party fails to attend without good reason, or refuses mediation outright"),
        ("经组织调解，投诉人或者被投诉人明确表示无法达成调解协议", "a party says agreement is impossible"),
        ("投诉人与被投诉人对检验、检测、鉴定费用承担无法协商一致", "no agreement on who pays for testing or appraisal"),
        ("自投诉受理之日起60日内投诉人和被投诉人未能达成调解协议", "no agreement within 60 days of acceptance"),
        ("市场监督管理部门受理投诉后，发现存在本办法第十六条或者第四十二条规定情形",
         "an Art. 16 or Art. 42 situation is discovered after acceptance"),
        ("投诉人或者被投诉人死亡、终止", "the complainant or respondent dies, or ceases to exist"),
        ("法律、法规、规章规定的应当终止调解的其他情形", "other grounds in law"),
    ]),
}

# Rewards for reports of major violations (DESIGN.md "Reports"): natural persons only; every
# tier is capped per case. Amounts in yuan, shares as decimal strings.
REWARDS = {
    "article": "Reward Measures Art. 9", "confirmed": False, "cap": 1_000_000,
    "tiers": {"1": {"share": "0.05", "minimum": 5000}, "2": {"share": "0.03", "minimum": 3000},
              "3": {"share": "0.01", "minimum": 1000}},
}
R2022["rewards"] = R2026["rewards"] = REWARDS

DEFAULTS = [R2022, R2026]
