"""The two rule sets in DESIGN.md, as seed data. Administrators amend them in the admin.

Every entry carries `confirmed`: True only where the article was read in the text itself (R2022: the
consolidated text of Order 20 as amended on 2022-03-24, LawRefBook/Laws). The rest (all of R2026, whose
gazette text was not found; the Procedure Rules; the Reward Measures) are our best reading, listed for
administrators at /admin/rules/ruleset/unconfirmed/ to check against the gazette and correct in the admin.
"Own procedure" marks a step the authority takes on its own, which no article governs (statutory=False).
Corrections to an installed database go through a migration that writes a rule-set revision
(rules/migrations/0004_issue8_citations.py); keep the two in step.
"""
import datetime as dt


def _c(article, text, confirmed=True, **extra):
    return {"article": article, "text": text, "confirmed": confirmed, **extra}


def _p(days, unit, start, article, *, pausable=False, extension=0, approval=False, confirmed=True, **extra):
    """A period: `days` in `unit` ("working" or "calendar") counted from the event `start`."""
    return {"days": days, "unit": unit, "from": start, "article": article, "pausable": pausable,
            "extension_days": extension, "extension_needs_approval": approval, "confirmed": confirmed, **extra}


def _g(article, items, confirmed=True):
    """Grounds as [{item, article, text_zh, text_en, confirmed}], numbered from 1."""
    return [{"item": i, "article": f"{article}({i})", "text_zh": zh, "text_en": en, "confirmed": confirmed}
            for i, (zh, en) in enumerate(items, start=1)]


OWN = "Own procedure"  # a reference to no article: see REGULATIONS["Own procedure"]

# Titles for rendering citations (rules.citations). "" is the rule set's own regulation; the other keys are
# the prefixes of references such as "Procedure Rules Art. 18".
_OTHER_REGULATIONS = {
    "Procedure Rules": {
        "title_zh": "市场监督管理行政处罚程序规定", "short_zh": "行政处罚程序规定",
        "title_en": "Provisions on Administrative Penalty Procedures for Market Supervision",
        "short_en": "Procedure Rules", "instrument_en": "SAMR Order No. 2 of 2018, as amended",
        "instrument_zh": "国家市场监督管理总局令第2号公布，经修改"},
    "Reward Measures": {
        "title_zh": "市场监督管理领域重大违法行为举报奖励暂行办法", "short_zh": "重大违法行为举报奖励暂行办法",
        "title_en": "Interim Measures for Rewarding Reports of Major Violations in the Field of Market Supervision",
        "short_en": "Reward Measures"},
    "CRPL": {
        "title_zh": "中华人民共和国消费者权益保护法", "short_zh": "消费者权益保护法",
        "title_en": "Law of the People's Republic of China on the Protection of Consumer Rights and Interests",
        "short_en": "Consumer Rights Protection Law"},
    "IR": {
        "title_zh": "中华人民共和国消费者权益保护法实施条例", "short_zh": "消费者权益保护法实施条例",
        "title_en": "Regulations for the Implementation of the Law on the Protection of Consumer Rights and Interests",
        "short_en": "Implementing Regulations", "instrument_en": "State Council Order No. 778, in force 2024-07-01",
        "instrument_zh": "国务院令第778号，自2024年7月1日起施行"},
    OWN: {"kind": "procedure", "title_zh": "本机关工作程序（非法定步骤）", "short_zh": "本机关工作程序",
          "title_en": "the authority's own procedure (not a statutory step)", "short_en": "own procedure"},
    "ODR commitment": {"kind": "procedure", "title_zh": "在线消费纠纷解决（ODR）企业承诺", "short_zh": "ODR企业承诺",
                       "title_en": "the ODR business's commitment", "short_en": "ODR commitment"},
}

_R2022_TITLE = {
    "title_zh": "市场监督管理投诉举报处理暂行办法", "short_zh": "投诉举报处理暂行办法",
    "title_en": "Interim Measures for Handling Complaints and Reports by Market Supervision",
    "short_en": "Interim Measures",
    "instrument_zh": "2019年11月30日国家市场监督管理总局令第20号公布，根据2022年3月24日国家市场监督管理总局令第55号"
                     "第一次修正，根据2022年9月29日国家市场监督管理总局令第61号第二次修正",
    "instrument_en": "SAMR Order No. 20 of 2019, amended by Order No. 55 (2022-03-24) and Order No. 61 (2022-09-29, "
                     "in force 2022-11-01)",
    # What Order 61 changed in these Measures was not found; the one article seen in its consolidated
    # text (Art. 21) reads as on 2022-03-24.
    "note": "articles checked against the 2022-03-24 text; Order 61's changes to it were not found",
    "source_zh": "2022年3月24日修改后的文本（LawRefBook/Laws 收录）",
    "source_en": "the text as amended on 2022-03-24 (LawRefBook/Laws: 部门规章/市场监督管理总局/"
                 "市场监督管理投诉举报处理暂行办法(2022-03-24).md)",
    # one paragraph of items: "(5)" is an item (项); elsewhere "(n)" is a paragraph (款)
    "item_articles": ["15", "21"],
}
_R2026_TITLE = {
    "title_zh": "市场监督管理投诉举报处理办法", "short_zh": "投诉举报处理办法",
    "title_en": "Measures for Handling Complaints and Reports by Market Supervision", "short_en": "Measures",
    "instrument_zh": "国家市场监督管理总局令第121号，2025年12月30日公布，自2026年4月15日起施行",
    "instrument_en": "SAMR Order No. 121, published 2025-12-30, in force 2026-04-15",
    "source_zh": "官方文书式样；公报全文尚未找到，条文序号有待核对",
    "source_en": "the official document forms; the full gazette text was not found, so the article numbers are "
                 "still to be checked",
    "item_articles": ["16"],
}

_REFUSAL_R2022 = [
    ("投诉事项不属于市场监督管理部门职责，或者本行政机关不具有处理权限",
     "outside market-regulation duties, or this authority lacks competence"),
    ("法院、仲裁机构、市场监督管理部门或者其他行政机关、消费者协会或者依法成立的其他调解组织已经受理或者处理过同一消费者权益争议",
     "the same dispute is already before, or has been handled by, a court, arbitration body, agency, consumer "
     "association or other mediation body"),
    ("不是为生活消费需要购买、使用商品或者接受服务，或者不能证明与被投诉人之间存在消费者权益争议",
     "not for personal living consumption, or no provable dispute with the respondent"),
    ("除法律另有规定外，投诉人知道或者应当知道自己的权益受到被投诉人侵害之日起超过三年",
     "more than 3 years since the complainant knew or should have known of the harm"),
    ("未提供本办法第九条第一款和第十条规定的材料", "the materials required by Art. 9(1) and Art. 10 are missing"),
    ("法律、法规、规章规定不予受理的其他情形", "other grounds in law"),
]
# R2026 per its official forms: item 2 drops the other mediation bodies; item 5 adds false materials.
_REFUSAL_R2026 = [
    _REFUSAL_R2022[0],
    ("法院、仲裁机构、市场监督管理部门或者其他行政机关、消费者协会已经受理或者处理过同一消费者权益争议",
     "the same dispute is already before, or has been handled by, a court, arbitration body, agency or consumer "
     "association"),
    _REFUSAL_R2022[2], _REFUSAL_R2022[3],
    ("未提供本办法规定的材料，或者提供的材料虚假", "required materials missing, or false materials given"),
    ("冒用他人身份或者拒不配合身份核验", "the complainant impersonates someone or refuses identity verification"),
    _REFUSAL_R2022[5],
]

_PERIODS_R2022 = {
    "acceptance": _p(7, "working", "receipt", "Art. 14"),
    "termination_notice": _p(7, "working", "termination", "Art. 21"),
    "violation_check": _p(15, "working", "discovery", "Art. 23", extension=15),
    "verification": _p(15, "working", "receipt", "Procedure Rules Art. 18", pausable=True, extension=15, approval=True,
                       confirmed=False),
    "reporter_notice": _p(5, "working", "filing_decision", "Art. 31(2)"),
    "case_decision": _p(90, "calendar", "filing", "Procedure Rules Art. 64", extension=30, approval=True,
                        confirmed=False),
    "odr": _p(10, "working", "forwarding", "ODR commitment", confirmed=False),
    "jurisdiction_dispute": _p(7, "working", "dispute", "Art. 30"),
    # Order 20 sets no period for identity materials (Art. 10 is the power of attorney): the notice sets
    # its own time limit; 10 is the default a handler may change per case.
    "identity": _p(10, "working", "identity_notice", OWN, statutory=False),
    "mediation": _p(45, "working", "acceptance", "Art. 21(5)", pausable=True),
}

_ROUTING_R2022 = {
    "intake.split": _c("Art. 7", "complaint and report in one submission are handled separately"),
    "intake.required": _c("Art. 9", "complainant name, phone, address; respondent name, address; request and facts"),
    "routing.complaint": _c("Art. 12(1)", "respondent's actual place of business or domicile, county level"),
    "routing.platform": _c("Art. 12(2)", "platform operator or self-run site: its domicile"),
    "routing.merchant": _c("Art. 12(2)", "merchant on a platform: where it operates, or the platform's domicile"),
    "routing.first_received": _c("Art. 13", "several competent authorities: the first to receive keeps it"),
    "routing.takeover": _c("Art. 12(3)", "a higher authority may handle a case of a lower one"),
    "routing.report": _c("Art. 25", "reports go where the conduct occurred"),
    "routing.advertising": _c("Art. 28(1)", "advertising: where the advertisement publisher is located"),
    "routing.transfer": _c(OWN, "passing a case to the competent authority is the authority's own procedure: Order 20 "
                           "has no transfer of a complaint (a complaint outside competence is refused under "
                           "Art. 15(1); Art. 29 tells a reporter where to go)", statutory=False),
    "routing.return": _c("Art. 37(2)", "a department returns a case it does not own to the intake unit"),
    "routing.dispatch": _c("Art. 37(1)", "the intake unit dispatches the case to the competent unit"),
}

_WORKFLOW_R2022 = {
    "acceptance": _c("Art. 14", "decide acceptance within 7 working days of receipt and notify the complainant"),
    "refusal": _c("Art. 15", "refusal grounds, items 1–6; other routes under CRPL Art. 39"),
    "identity_notice": _c("Art. 9(1)", "the complaint must carry the complainant's name, phone and address; "
                          "without them it is refused under Art. 15(5)"),
    "mediation": _c("Art. 16(1)", "with both parties' consent the authority mediates"),
    "mediation.remote": _c("Art. 18(1)", "mediation in person, or remotely by internet, phone, audio or video"),
    "mediation.delegation": _c("Art. 17(1)", "mediation may be delegated to a consumer association or another "
                               "mediation body"),
    "mediation.recusal": _c("Art. 19(2)", "a mediator with a conflict of interest withdraws"),
    "mediation.pause": _c("Art. 20(3)", "testing and appraisal time is not counted in the mediation period"),
    "mediation.resume": _c("Art. 20(3)", "testing or appraisal finished; the mediation period runs again"),
    "agreement": _c("Art. 22", "agreement reached: a mediation document, or a record of the mediation"),
    "termination": _c("Art. 21", "termination grounds, items 1–7; both parties told within 7 working days"),
    "termination.notice": _c("Art. 21", "both parties told of the termination within 7 working days"),
    "withdrawal": _c("Art. 21(1)", "the complainant withdraws the complaint"),
    "violation": _c("Art. 23", "a violation found during mediation is checked within 15 working days, +15"),
    "closure": _c(OWN, "closing the file after agreement or termination: no article of Order 20 governs it",
                  statutory=False),
    "verdict": _c(OWN, "the consumer's evaluation of the handling: Order 20 has no evaluation provision "
                  "(Art. 27 is about e-commerce reports)", statutory=False),
    "odr": _c("ODR commitment", "the enrolled business negotiates directly within 10 working days", False),
    "odr.escalation": _c("Art. 14", "the consumer turns to the authority after ODR failed or timed out", False),
    "report.verification": _c("Procedure Rules Art. 18", "check a report within 15 working days, +15 with approval",
                              False),
    "report.filing": _c("Procedure Rules Art. 18", "decide whether to file a case", False),
    "report.notice": _c("Art. 31(2)", "a real-name reporter is told within 5 working days whether a case was filed"),
    "report.penalty": _c("Procedure Rules Art. 64", "decide a filed case within 90 days, +30", False),
    "report.reward": _c("Reward Measures Art. 11", "rewards by tier (Art. 11): 5 %/3 %/1 %, minimum "
                        "5,000/3,000/1,000 (Art. 12), cap 1,000,000 per case, natural persons only (Art. 2)", False),
    "report.closure": _c("Art. 31", "the report's handling ends", False),
    "consultation.answer": _c("Art. 39(2)", "consultations made as complaints or reports are outside the Measures: "
                              "answered and closed, or pointed to the proper route"),
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
    "periods": _PERIODS_R2022,
    "refusal_grounds": _g("Art. 15", _REFUSAL_R2022),
    "termination_grounds": _g("Art. 21", [
        ("投诉人撤回投诉或者双方自行和解", "the complainant withdraws, or the parties settle themselves"),
        ("投诉人与被投诉人对委托承担检定、检验、检测、鉴定工作的技术机构或者费用承担无法协商一致",
         "no agreement on the testing body or its cost"),
        ("投诉人或者被投诉人无正当理由不参加调解，或者被投诉人明确拒绝调解",
         "a party refuses or fails to attend without good reason"),
        ("经组织调解，投诉人或者被投诉人明确表示无法达成调解协议", "a party says agreement is impossible"),
        ("自投诉受理之日起四十五个工作日内投诉人和被投诉人未能达成调解协议", "45 working days pass without agreement"),
        ("市场监督管理部门受理投诉后，发现存在本办法第十五条规定情形", "a refusal ground is discovered after acceptance"),
        ("法律、法规、规章规定的应当终止调解的其他情形", "other grounds in law"),
    ]),
    "regulations": {"": _R2022_TITLE, **_OTHER_REGULATIONS},
}

# The gazette text of Order 121 was not found: every R2026 entry is unconfirmed. Entries R2026 does not
# override carry R2022's article, which is only a starting point for the check.
_R2026_CITATIONS = {
    **{k: {**v, "confirmed": False} for k, v in _ROUTING_R2022.items()},
    **{k: {**v, "confirmed": False} for k, v in _WORKFLOW_R2022.items()},
    "intake.split": _c("", "complaint and report in one submission are handled separately", False,
                       note="R2026 Art. 7 is about complaint channels; the split rule's article is not known"),
    "intake.identity": _c("Art. 10(1)", "identity materials", False),
    "identity_notice": _c("Art. 10(3)", "a time-limited notice to provide identity materials", False),
    "routing.complaint": _c("Art. 12", "respondent's actual place of business or domicile, county level", False),
    "routing.platform": _c("Art. 12", "platform operator or self-run site: its domicile", False),
    "routing.merchant": _c("Art. 12", "merchant on a platform: where it operates, or the platform's domicile", False),
    "routing.platform_fallback": _c(
        "Art. 12", "merchant with no published address, or unreachable there: the platform's domicile", False),
    "routing.first_received": _c("Art. 13", "several competent authorities: the first to receive keeps it", False),
    "routing.takeover": _c("Art. 12", "a higher authority may handle a case of a lower one", False),
    "routing.report": _c("Art. 28", "reports go where the conduct occurred", False),
    "routing.advertising": _c("Art. 30", "advertising: where the advertisement publisher is located", False),
    "routing.return": _c("Art. 37", "a department returns a case it does not own to the intake unit", False),
    "routing.dispatch": _c("Art. 37", "the intake unit dispatches the case to the competent unit", False),
    "acceptance": _c("Art. 15", "decide acceptance within 7 working days (IR Art. 46)", False),
    "refusal": _c("Art. 16", "refusal grounds, items 1–7; other routes under CRPL Art. 39", False),
    "termination": _c("Art. 23(1)", "termination grounds, items 1–8", False),
    "termination.notice": _c("Art. 23", "both parties told of the termination within 7 working days", False),
    "withdrawal": _c("Art. 23(1)(1)", "the complainant withdraws the complaint", False),
    "mediation": _c("Art. 19", "with both parties' consent the authority mediates, remotely or in person", False),
    "mediation.delegation": _c("Art. 20", "mediation may be delegated to a consumer association", False),
    "mediation.recusal": _c("Art. 21", "a mediator with a conflict of interest withdraws", False),
    "mediation.pause": _c("Art. 22", "testing and appraisal time is not counted in the mediation period", False),
    "mediation.resume": _c("Art. 22", "testing or appraisal finished; the mediation period runs again", False),
    "agreement": _c("Art. 24", "agreement reached: a mediation document, or a record of agreement", False),
    "violation": _c("Art. 23", "a violation found during mediation is checked within 15 working days, +15", False,
                    note="the R2026 forms give Art. 23 to termination: the article is not known"),
    "return_visit": _c("Art. 26", "return visit after closure (new in R2026)", False),
    "report.notice": _c("Art. 31(2)", "a real-name reporter is told whether a case was filed", False),
}

R2026 = {
    "code": "R2026",
    "version": 1,
    "title": "市场监督管理投诉举报处理办法",
    "instrument": "SAMR Order No. 121, published 2025-12-30",
    "effective_from": dt.date(2026, 4, 15),
    "effective_until": None,
    "citations": _R2026_CITATIONS,
    "periods": {**{k: {**v, "confirmed": False} for k, v in _PERIODS_R2022.items()},
                "acceptance": _p(7, "working", "receipt", "Art. 15", confirmed=False),
                "termination_notice": _p(7, "working", "termination", "Art. 23", confirmed=False),
                "violation_check": _p(15, "working", "discovery", "Art. 23", extension=15, confirmed=False,
                                      note="the R2026 forms give Art. 23 to termination"),
                "reporter_notice": _p(5, "working", "filing_decision", "Art. 31(2)", confirmed=False),
                "jurisdiction_dispute": _p(7, "working", "dispute", OWN, confirmed=False,
                                           note="R2022 Art. 30; the R2026 article is not known"),
                "mediation": _p(60, "calendar", "acceptance", "Art. 23(1)(5)", pausable=True, confirmed=False),
                "identity": _p(10, "working", "identity_notice", "Art. 10(3)", confirmed=False)},
    "refusal_grounds": _g("Art. 16", _REFUSAL_R2026, confirmed=False),
    "termination_grounds": _g("Art. 23(1)", [
        ("投诉人撤回投诉或者双方当事人自行和解", "the complainant withdraws, or the parties settle themselves"),
        ("投诉人、被投诉人无正当理由不参加调解，或者明确拒绝调解",
         "a party fails to attend without good reason, or refuses mediation outright"),
        ("经组织调解，投诉人或者被投诉人明确表示无法达成调解协议", "a party says agreement is impossible"),
        ("投诉人与被投诉人对鉴定、检测费用承担无法协商一致", "no agreement on who pays for testing or appraisal"),
        ("自投诉受理之日起60日内投诉人和被投诉人未能达成调解协议", "no agreement within 60 days of acceptance"),
        ("市场监督管理部门受理投诉后，发现存在本办法第十六条或者第四十二条规定情形",
         "an Art. 16 or Art. 42 situation is discovered after acceptance"),
        ("投诉人或者被投诉人死亡或者主体资格灭失", "the complainant or respondent dies, or ceases to exist as a legal person"),
        ("法律、法规、规章规定的应当终止调解的其他情形", "other grounds in law"),
    ], confirmed=False),
    "regulations": {"": _R2026_TITLE, **_OTHER_REGULATIONS},
}

# Rewards for reports of major violations (DESIGN.md "Reports"): natural persons only; every tier is capped
# per case. Amounts in yuan, shares as decimal strings. Tiers: Reward Measures Art. 11; shares: Art. 12;
# natural persons: Art. 2 (not read in the text: unconfirmed).
REWARDS = {
    "article": "Reward Measures Art. 11", "confirmed": False, "cap": 1_000_000,
    "articles": {"tiers": "Reward Measures Art. 11", "shares": "Reward Measures Art. 12",
                 "natural_persons": "Reward Measures Art. 2"},
    "tiers": {"1": {"share": "0.05", "minimum": 5000}, "2": {"share": "0.03", "minimum": 3000},
              "3": {"share": "0.01", "minimum": 1000}},
}
R2022["rewards"] = R2026["rewards"] = REWARDS

DEFAULTS = [R2022, R2026]
