"""The two rule sets in DESIGN.md, as seed data. Administrators amend them in the admin.

Article numbers marked confirmed=False are not given in DESIGN.md and still need checking
against the gazette text (DESIGN.md: "R2026 equivalents to be confirmed").
"""
import datetime as dt


def _c(article, text, confirmed=True):
    return {"article": article, "text": text, "confirmed": confirmed}


R2022 = {
    "code": "R2022",
    "version": 1,
    "title": "市场监督管理投诉举报处理暂行办法",
    "instrument": "SAMR Order No. 20 of 2019, amended 2022",
    "effective_from": dt.date(2020, 1, 1),
    "effective_until": dt.date(2026, 4, 15),
    "citations": {
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
        "acceptance": _c("Art. 14", "decide acceptance within 7 working days of receipt"),
    },
    "periods": {"acceptance": {"days": 7, "unit": "working", "from": "receipt", "article": "Art. 14"}},
}

R2026 = {
    "code": "R2026",
    "version": 1,
    "title": "市场监督管理投诉举报处理办法",
    "instrument": "SAMR Order No. 121, published 2025-12-30",
    "effective_from": dt.date(2026, 4, 15),
    "effective_until": None,
    "citations": {
        "intake.split": _c("Art. 7", "complaint and report in one submission are handled separately", False),
        "intake.required": _c("Art. 9", "required content of a complaint", False),
        "intake.identity": _c("Art. 10(1)", "identity materials"),
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
        "routing.return": _c("Art. 37", "a department returns a case it does not own to the intake unit", False),
        "acceptance": _c("Art. 15", "decide acceptance within 7 working days of receipt", False),
    },
    "periods": {"acceptance": {"days": 7, "unit": "working", "from": "receipt", "article": "Art. 15"}},
}

DEFAULTS = [R2022, R2026]
