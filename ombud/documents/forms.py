"""The official document forms (文书式样) of DESIGN.md, filled from a case.

Each builder returns the document's content: addressee, paragraphs, labelled fields,
tick-box items and signature lines. The HTML and PDF renderers lay the same content out.
"""
import re

from django.utils import timezone

from ombud.cases.tickets import display
from ombud.rules.citations import render, zh_date, zh_numeral

CRPL_39 = ("你可以依照《中华人民共和国消费者权益保护法》第三十九条的规定，通过与经营者协商和解、"
           "请求消费者协会或者依法成立的其他调解组织调解、提请仲裁或者向人民法院提起诉讼等途径解决。")


def _date(moment):
    return zh_date(timezone.localtime(moment)) if moment else ""


def _when(moment):
    return f"{_date(moment)} {timezone.localtime(moment):%H:%M}" if moment else ""


_DAY = re.compile(r"(\d{4})(?:-|年)(\d{1,2})(?:-|月)(\d{1,2})日?")


def _days(text):
    """Dates written into the data as 2027-02-01 or 2027年02月01日 become 2027年2月1日."""
    return _DAY.sub(lambda m: f"{int(m[1])}年{int(m[2])}月{int(m[3])}日", str(text or ""))


def _cite(case, reference):
    """An official document cites the full title and the article in Chinese numerals, whatever the reader."""
    return render(reference, case.rule_set, "zh")


def _yes_no(value):
    return {True: "是", False: "否"}.get(value, "未说明")


def _complainant(case):
    return "（匿名）" if case.anonymous else (case.complainant_name or "（未提供）")


def _respondent(case):
    return (case.respondent.name if case.respondent else case.respondent_name) or "（未提供）"


def _ticks(grounds, chosen):
    return [{"ticked": g["item"] == chosen, "text": f"（{zh_numeral(g['item'])}）{g['text_zh']}"} for g in grounds]


def registration_complaint(case, data):
    return {
        "fields": [
            ["登记编号", display(case.ticket)], ["接收时间", _when(case.received_at)], ["渠道", case.get_channel_display()],
            ["投诉人", _complainant(case)], ["联系电话", case.complainant_phone], ["地址", case.complainant_address],
            ["被投诉人", _respondent(case)], ["被投诉人地址", case.respondent_address],
            ["投诉请求", case.request], ["事实和理由", case.facts],
            ["涉及金额（元）", str(case.amount or "")],
            ["是否同意公示投诉信息", _yes_no(case.consent_disclosure)],
            ["是否同意委托调解", _yes_no(case.consent_delegated_mediation)],
        ],
    }


def registration_report(case, data):
    return {
        "fields": [
            ["登记编号", display(case.ticket)], ["接收时间", _when(case.received_at)], ["渠道", case.get_channel_display()],
            ["举报人", _complainant(case)], ["联系电话", "" if case.anonymous else case.complainant_phone],
            ["被举报人", _respondent(case)], ["违法行为发生地", case.conduct_address],
            ["涉嫌违法行为类型", case.violation_type], ["举报内容", case.facts],
        ],
    }


def dispatch(case, data):
    return {
        "to": data["to_authority_name"],
        "paragraphs": [
            f"现将{_date(case.received_at)}收到的{case.get_kind_display()}（编号{display(case.ticket)}，"
            f"被投诉/举报人：{_respondent(case)}）分送你单位处理。",
            f"请于{_days(data['report_back_by'])}前将处理情况反馈本单位。",
        ],
    }


def identity(case, data):
    return {
        "to": _complainant(case),
        "paragraphs": [
            f"你于{_date(case.received_at)}提出的对{_respondent(case)}的投诉，尚缺少身份证明材料。",
            f"请于{_days(data['due'])}前提供：{data.get('materials') or '居民身份证或者其他有效身份证件复印件'}。"
            f"逾期未提供的，依照{_cite(case, data['refusal_article'])}的规定不予受理。",
        ],
    }


def acceptance(case, data):
    return {
        "to": _complainant(case),
        "paragraphs": [
            f"你于{_date(case.received_at)}提出的对{_respondent(case)}的投诉，经审查，"
            f"符合{_cite(case, data['article'])}的规定，"
            f"本部门决定予以受理。",
            f"本部门将依法组织调解。调解期限自受理之日起计算，至{_days(data['mediation_due'])}届满"
            "（检验、检测、鉴定时间不计算在内）。",
        ],
    }


def refusal(case, data):
    return {
        "to": _complainant(case),
        "paragraphs": [
            f"你于{_date(case.received_at)}提出的对{_respondent(case)}的投诉，经审查，"
            f"具有下列第（{zh_numeral(data['ground'])}）项情形，"
            f"依照{_cite(case, data['article'])}的规定，本部门决定不予受理：",
        ],
        "ticks": _ticks(case.rule_set.refusal_grounds, data["ground"]),
        "after": [f"理由：{data.get('reason') or ''}", CRPL_39],
    }


def mediation_notice(case, data):
    mode = "在线（远程）调解" if data["mode"] == "remote" else "现场调解"
    return {
        "to": f"{_complainant(case)}、{_respondent(case)}",
        "paragraphs": [f"关于{_complainant(case)}投诉{_respondent(case)}一案，经双方同意，本部门定于下列时间组织调解："],
        "fields": [
            ["调解时间", _days(data.get("scheduled_at"))], ["调解方式", mode], ["调解地点", data.get("place") or ""],
            ["调解人员", data.get("mediator") or ""], ["委托调解单位", data.get("delegated_to") or "（不委托）"],
            ["请携带", data.get("bring") or "身份证明、购物凭证及其他证据材料"],
        ],
        "after": ["当事人认为调解人员与本案有利害关系、可能影响公正调解的，可以在调解开始前提出回避申请。"],
    }


def termination(case, data):
    return {
        "to": f"{_complainant(case)}、{_respondent(case)}",
        "paragraphs": [
            f"关于{_complainant(case)}投诉{_respondent(case)}一案（编号{display(case.ticket)}），"
            f"因具有下列第（{zh_numeral(data['ground'])}）项情形，"
            f"依照{_cite(case, data['article'])}的规定，本部门决定终止调解：",
        ],
        "ticks": _ticks(case.rule_set.termination_grounds, data["ground"]),
        "after": [f"说明：{data.get('reason') or ''}", CRPL_39],
    }


def agreement(case, data):
    return {
        "fields": [
            ["投诉人", _complainant(case)], ["被投诉人", _respondent(case)],
            ["投诉请求", case.request], ["事实", case.facts],
            ["调解协议内容", data.get("terms") or ""],
            ["挽回经济损失（元）", str(data.get("amount_recovered") or "0")],
            ["其他补救措施", data.get("remedy_in_kind") or "无"],
        ],
        "after": ["本调解书经双方当事人和调解人员签名后生效。"],
        "signatures": ["投诉人", "被投诉人", "调解人员"],
    }


def report_result(case, data):
    return {
        "to": _complainant(case),
        "paragraphs": [
            f"你于{_date(case.received_at)}对{_respondent(case)}的举报，经核查，{data['result']}。",
            f"依照{_cite(case, data['article'])}的规定，特此告知。",
        ],
    }


# form -> (title, number prefix, builder). Numbers: 〈authority〉市监〈prefix〉〔year〕第N号.
FORMS = {
    "registration_complaint": ("投诉登记表", "投登", registration_complaint),
    "registration_report": ("举报登记表", "举登", registration_report),
    "dispatch": ("投诉/举报分送通知书", "分", dispatch),
    "identity": ("限期提供身份证明材料通知书", "身", identity),
    "acceptance": ("投诉受理决定书", "受", acceptance),
    "refusal": ("投诉不予受理决定书", "不受", refusal),
    "mediation_notice": ("投诉调解通知书", "调通", mediation_notice),
    "termination": ("投诉终止调解决定书", "终", termination),
    "agreement": ("投诉调解书", "调", agreement),
    "report_result": ("举报处理结果告知书", "举告", report_result),
}
FORM_NUMBERS = {"dispatch": 3, "identity": 4, "acceptance": 5, "refusal": 6, "mediation_notice": 7,
                "termination": 8, "agreement": 9, "report_result": 10}
