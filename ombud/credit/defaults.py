"""First versions of the credit rules and of the grade formula (written by migration 0002; administrators add
versions in the admin).

The periods are the law's where it was read. `confirmed` is True only where the article was read in the text
itself: Order 45 of 2021 (《市场监督管理行政处罚信息公示规定》) in LawRefBook/Laws,
部门规章/市场监督管理总局/市场监督管理行政处罚信息公示规定(2021-07-30).md. The texts of Order 44 of 2021 (the
serious-violation list) and of the credit-repair measures were not found in full: their figures come from
secondary sources named in `source`, and stay unconfirmed until someone reads the articles.
"""
import datetime as dt

# Keys used in references ("PIP Art. 13(1)"), rendered by ombud.rules.citations in the reader's language.
REGULATIONS = {
    "PIP": {"title_zh": "市场监督管理行政处罚信息公示规定",
            "title_en": "Provisions on the Public Disclosure of Administrative Penalty Information in Market Regulation",
            "short_zh": "处罚信息公示规定", "short_en": "Penalty Disclosure Provisions",
            "issued": "国家市场监督管理总局令第45号, 2021-07-30, in force 2021-09-01"},
    "SVL": {"title_zh": "市场监督管理严重违法失信名单管理办法",
            "title_en": "Measures for the Management of the List of Serious Violators of Law and Trust in Market Regulation",
            "short_zh": "严重违法失信名单管理办法", "short_en": "Serious-Violation List Measures",
            "issued": "国家市场监督管理总局令第44号, 2021-07-30, in force 2021-09-01"},
    "CRM": {"title_zh": "市场监督管理信用修复管理办法",
            "title_en": "Measures for the Management of Credit Repair in Market Regulation",
            "short_zh": "信用修复管理办法", "short_en": "Credit Repair Measures",
            "issued": "国市监信规〔2021〕3号"},
}

LAWREFBOOK_PIP = "LawRefBook/Laws 部门规章/市场监督管理总局/市场监督管理行政处罚信息公示规定(2021-07-30).md"

# One entry per period of the rule: the reference it rests on, whether the article was read, and where.
CITATIONS = {
    "published": {"ref": "PIP Art. 2", "confirmed": True, "source": LAWREFBOOK_PIP,
                  "says": "Penalties decided under the ordinary procedure are published; a warning alone is not "
                          "(para. 2)."},
    "minor_public_months": {"ref": "PIP Art. 13(1)", "confirmed": True, "source": LAWREFBOOK_PIP,
                            "says": "A penalty of only a circulated criticism or a lower fine stops being public 3 "
                                    "months after publication."},
    "public_years": {"ref": "PIP Art. 13(1)", "confirmed": True, "source": LAWREFBOOK_PIP,
                     "says": "Other penalty information stops being public 3 years after publication."},
    "low_fine_max": {"ref": "PIP Art. 13(2)", "confirmed": True, "source": LAWREFBOOK_PIP,
                     "says": "What a lower fine is, is set by the provincial (or higher) market regulator: no "
                             "national default."},
    "early_stop": {"ref": "PIP Art. 14", "confirmed": True, "source": LAWREFBOOK_PIP,
                   "says": "After the time limit, a business that has paid, removed the harm, not repeated the "
                           "violation and is on neither list may apply to stop publication early; not after "
                           "the serious penalties of para. 3."},
    "repair_after_months": {"ref": "CRM", "confirmed": False,
                            "source": "secondary: 沅江市市场监督管理局信用修复指引 item 5 (www.yuanjiang.gov.cn), "
                                      "paraphrasing the Measures; the article itself was not read",
                            "says": "Penalty information other than Order 45 Art. 14(3) penalties and minor ones "
                                    "may be repaired 6 months after publication (food, drugs, special equipment: "
                                    "1 year)."},
    "list_years": {"ref": "SVL", "confirmed": False,
                   "source": "not read: the Order's text was not found; 3 years is the commonly cited period",
                   "says": "A business is removed from the list 3 years after it was listed."},
    "early_removal_years": {"ref": "SVL", "confirmed": False,
                            "source": "secondary: a summary of Order 44 (jp.wuyou-consulting.com) saying that after "
                                      "1 year listed a business that has met its obligations may apply to leave "
                                      "the list early; the article itself was not read",
                            "says": "After 1 year on the list a business may apply for early removal."},
}

RULE_V1 = {
    "version": 1, "effective_from": dt.date(2021, 9, 1), "published_on": dt.date(2021, 9, 1),
    "minor_public_months": 3, "public_years": 3, "low_fine_max": None, "repair_after_months": 6,
    "list_years": 3, "early_removal_years": 1, "regulations": REGULATIONS, "citations": CITATIONS,
    "list_articles": ["SVL Art. 2", "SVL Art. 5", "SVL Art. 6", "SVL Art. 7", "SVL Art. 8", "SVL Art. 9",
                      "SVL Art. 10"],
    "notes": "Version 1. The publication period is counted from the decision's date as recorded on the report case "
             "(the publication date itself is not recorded; Order 45 Art. 9 allows up to 20 working days between "
             "them). A penalty with no fine above the lower-fine amount and no confiscation counts as minor; with "
             "no lower-fine amount set, only a penalty without fine or confiscation does. Order 44's articles are "
             "unconfirmed: Art. 2 (heavier penalties) was read only in an English translation "
             "(chinalawtranslate.com), and Art. 5-10 (the listing circumstances) are as cited by Beijing's "
             "implementing measures.",
}

FORMULA_V1 = {
    "version": 1, "published_on": dt.date(2021, 9, 1), "active": True,
    "weights": {"complaints": 0.5, "complaints_cap": 40, "mediation": 15, "satisfaction": 15, "min_sample": 5,
                "penalty": 10, "penalties_cap": 3, "breach": 5, "breaches_cap": 3, "odr": 5},
    "thresholds": [["A", 90], ["B", 75], ["C", 60], ["D", 0]],
    "notes": "Version 1: the project's own weights, not statutory ones. An administrator publishes a new version "
             "to change them.",
}
