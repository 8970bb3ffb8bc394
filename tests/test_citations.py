"""Citations read as legal citations in the reader's language; corrected articles; the admin list of unconfirmed ones.

R2022 articles were checked against the consolidated text of Order 20 as amended on 2022-03-24 (issue 8).
"""
import copy
import importlib

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import translation

from ombud.accounts.models import Profile
from ombud.rules import defaults
from ombud.rules.citations import render, zh_numeral
from ombud.rules.models import RuleSet, RuleSetRevision
from ombud.rules.selectors import clear_cache, unconfirmed_citations
from ombud.rules.services import save_rule_set

from .conftest import ON_AN_R2026_DAY, complaint, make_api

migration = importlib.import_module("ombud.rules.migrations.0004_issue8_citations")

R2022_TITLE = "《市场监督管理投诉举报处理暂行办法》"
R2026_TITLE = "《市场监督管理投诉举报处理办法》"


@pytest.mark.parametrize("n, text", [
    (1, "一"), (2, "二"), (9, "九"), (10, "十"), (11, "十一"), (14, "十四"), (19, "十九"), (20, "二十"),
    (21, "二十一"), (30, "三十"), (39, "三十九"), (40, "四十"), (100, "一百"), (101, "一百零一"),
    (110, "一百一十"), (115, "一百一十五"), (1001, "一千零一"), (1010, "一千零一十"),
])
def test_chinese_numerals(n, text):
    assert zh_numeral(n) == text


def test_numerals_out_of_range_are_refused():
    with pytest.raises(ValueError):
        zh_numeral(-1)


@pytest.mark.django_db
def test_rendering_in_both_languages_from_the_titles_in_the_rule_set():
    r2022, r2026 = RuleSet.objects.get(code="R2022"), RuleSet.objects.get(code="R2026")
    assert render("R2022 Art. 14", r2022, "zh") == f"{R2022_TITLE}第十四条"
    assert render("R2022 Art. 15(1)", r2022, "zh") == f"{R2022_TITLE}第十五条第（一）项"  # one paragraph of items
    assert render("R2022 Art. 12(2)", r2022, "zh") == f"{R2022_TITLE}第十二条第二款"
    assert render("R2022 Art. 39(2)", r2022, "zh") == f"{R2022_TITLE}第三十九条第二款"
    assert render("R2026 Art. 16(6)", r2026, "zh") == f"{R2026_TITLE}第十六条第（六）项"
    assert render("R2026 Art. 23(1)(5)", r2026, "zh") == f"{R2026_TITLE}第二十三条第一款第（五）项"
    assert render("R2026 Art. 21", r2026, "zh", full=False) == "《投诉举报处理办法》第二十一条"
    assert render("R2022 Procedure Rules Art. 18", r2022, "zh") == "《市场监督管理行政处罚程序规定》第十八条"
    assert render("R2022 Reward Measures Art. 11", r2022, "zh").startswith("《市场监督管理领域重大违法行为举报奖励暂行办法》第十一条")
    assert render("R2022 Own procedure", r2022, "zh") == "本机关工作程序（非法定步骤）"
    assert render("R2022 Art. 14", r2022, "en") == \
        "Art. 14 of the Interim Measures for Handling Complaints and Reports by Market Supervision"
    assert render("R2026 Art. 16(6)", r2026, "en", full=False) == "Measures Art. 16(6)"
    assert render("R2022 Procedure Rules Art. 64", r2022, "en", full=False) == "Procedure Rules Art. 64"
    assert render("something else", r2022, "zh") == "something else"  # never lose what was stored
    with translation.override("zh-hans"):
        assert render("R2026 Art. 15", r2026) == f"{R2026_TITLE}第十五条"


@pytest.mark.django_db
def test_titles_are_data_an_administrator_amends_with_a_revision():
    rs = RuleSet.objects.get(code="R2026")
    rs.regulations = {**rs.regulations, "": {**rs.regulations[""], "title_zh": "某某办法"}}
    revision = save_rule_set(rule_set=rs, comment="title")
    assert "regulations" in revision.changes
    assert render("R2026 Art. 15", rs, "zh") == "《某某办法》第十五条"


def _walk_back(rs):
    """The rule set as first seeded, before issue 8, from the frozen data of the migration."""
    fix = migration.CORRECTIONS[rs.code]
    for field in ("citations", "periods"):
        current = dict(getattr(rs, field))
        for key, (old, _new) in fix.get(field, {}).items():
            if old is None:
                current.pop(key, None)
            else:
                current[key] = old
        setattr(rs, field, current)
    for field in ("refusal_grounds", "termination_grounds"):
        by_item = {str(g["item"]): g for g in getattr(rs, field)}
        by_item.update({item: old for item, (old, _new) in fix.get(field, {}).items() if old})
        setattr(rs, field, sorted(by_item.values(), key=lambda g: g["item"]))
    rs.rewards, rs.regulations = fix["rewards"][0], {}
    return rs


@pytest.mark.django_db
def test_the_migration_corrects_an_installed_database_and_records_a_revision():
    r2022, r2026 = (_walk_back(RuleSet.objects.get(code=c)) for c in ("R2022", "R2026"))
    r2022.citations["routing.report"] = {**r2022.citations["routing.report"], "article": "Art. 99"}  # admin's own
    for rs in (r2022, r2026):
        rs.save()
    assert r2022.citations["routing.complaint"]["article"] == "Art. 10"  # the wrong article, as seeded
    migration.correct(apps, None)
    r2022, r2026 = RuleSet.objects.get(code="R2022"), RuleSet.objects.get(code="R2026")
    revision = RuleSetRevision.objects.filter(rule_set=r2022).first()
    assert revision.comment.startswith("Issue 8") and "citations" in revision.changes
    assert RuleSetRevision.objects.filter(rule_set=r2026, comment=migration.COMMENT).exists()
    c = r2022.citations
    articles = {k: c[k]["article"] for k in ("routing.complaint", "routing.platform", "routing.merchant",
                                             "routing.takeover", "routing.first_received", "mediation",
                                             "mediation.remote", "mediation.delegation", "consultation.answer",
                                             "routing.transfer", "verdict")}
    assert articles == {"routing.complaint": "Art. 12(1)", "routing.platform": "Art. 12(2)",
                        "routing.merchant": "Art. 12(2)", "routing.takeover": "Art. 12(3)",
                        "routing.first_received": "Art. 13", "mediation": "Art. 16(1)",
                        "mediation.remote": "Art. 18(1)",
                        "mediation.delegation": "Art. 17(1)", "consultation.answer": "Art. 39(2)",
                        "routing.transfer": "Own procedure", "verdict": "Own procedure"}
    assert c["routing.report"]["article"] == "Art. 99"  # an administrator's correction is kept
    assert c["routing.transfer"]["statutory"] is False and c["routing.complaint"]["confirmed"] is True
    assert r2022.period("jurisdiction_dispute")["article"] == "Art. 30"
    assert r2022.period("identity")["article"] == "Own procedure"
    assert r2022.ground("refusal", 5)["text_zh"] == "未提供本办法第九条第一款和第十条规定的材料"
    assert r2022.rewards["article"] == "Reward Measures Art. 11" and r2022.rewards["confirmed"] is False
    assert r2022.regulations[""]["title_zh"] == "市场监督管理投诉举报处理暂行办法"
    assert r2026.period("violation_check")["confirmed"] is False
    assert "依法成立的其他调解组织" not in r2026.ground("refusal", 2)["text_zh"]
    assert "或者明确拒绝调解" in r2026.ground("termination", 2)["text_zh"]
    assert r2026.ground("termination", 4)["text_zh"] == "投诉人与被投诉人对鉴定、检测费用承担无法协商一致"
    assert "主体资格灭失" in r2026.ground("termination", 7)["text_zh"]
    assert r2026.citations["intake.split"]["article"] == ""
    # a fresh install (the seed) and a corrected installation hold the same data
    seeded = {d["code"]: d for d in defaults.DEFAULTS}
    for rs in (r2022, r2026):
        for field in ("citations", "periods", "refusal_grounds", "termination_grounds", "rewards", "regulations"):
            value, fresh = getattr(rs, field), copy.deepcopy(seeded[rs.code][field])
            if rs.code == "R2022" and field == "citations":
                value, fresh = {**value, "routing.report": None}, {**fresh, "routing.report": None}
            assert value == fresh, (rs.code, field)


@pytest.mark.django_db
def test_the_migration_changes_nothing_twice():
    before = RuleSetRevision.objects.count()
    migration.correct(apps, None)  # the seeded data is already correct
    assert RuleSetRevision.objects.count() == before


@pytest.mark.django_db
def test_confirmed_only_where_read_and_r2026_never():
    r2022, r2026 = RuleSet.objects.get(code="R2022"), RuleSet.objects.get(code="R2026")
    assert r2022.citations["acceptance"]["confirmed"] and r2022.citations["routing.first_received"]["confirmed"]
    assert not r2022.citations["report.verification"]["confirmed"]  # the Procedure Rules were not read
    assert not any(e["confirmed"] for e in r2026.citations.values())
    assert not any(p["confirmed"] for p in r2026.periods.values())


@pytest.mark.django_db
def test_admin_lists_every_unconfirmed_citation():
    admin = get_user_model().objects.create_superuser("admin", "a@example.com", "x")
    client = Client()
    client.force_login(admin)
    rows = unconfirmed_citations()
    keys = {(r["rule_set"].code, r["where"], r["key"]) for r in rows}
    assert ("R2026", "periods", "violation_check") in keys and ("R2022", "citations", "report.reward") in keys
    assert ("R2022", "citations", "acceptance") not in keys
    changelist = client.get("/admin/rules/ruleset/").content.decode()
    assert "/admin/rules/ruleset/unconfirmed/" in changelist
    page = client.get("/admin/rules/ruleset/unconfirmed/", headers={"accept-language": "en"})
    html = page.content.decode()
    assert page.status_code == 200 and 'id="unconfirmed-citations"' in html
    table = html[html.index('id="unconfirmed-citations"'):]
    table = table[:table.index("</table>")]
    assert table.count("<tr>") - 1 == len(rows)  # one row per citation, plus the header
    assert "violation_check" in html and "《市场监督管理行政处罚程序规定》第十八条" in html
    assert Client().get("/admin/rules/ruleset/unconfirmed/").status_code == 302  # administrators only


def _staff(username, role, language):
    from ombud.regions.models import Authority

    user = get_user_model().objects.create_user(username, f"{username}@example.com", "pw")
    Profile.objects.create(user=user, role=role, language=language, authority=Authority.objects.get(code="310115"))
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
@ON_AN_R2026_DAY
def test_case_pages_print_citations_in_the_readers_language_and_name_the_regulation():
    clear_cache()
    ticket = make_api("integrator").post("/cases", complaint()).json()["ticket"]
    make_api("handler", "310115").post(f"/cases/{ticket}/actions/accept", {})
    zh = _staff("handler_zh", "handler", "zh-hans").get(f"/desk/case/{ticket}/").content.decode()
    assert "《投诉举报处理办法》第十五条" in zh  # timeline (accepted) and the deadline table
    assert "R2026 Art." not in zh
    assert f'适用规定： <a href="/rules/R2026/">{R2026_TITLE}</a>' in zh
    en = _staff("handler_en", "handler", "en").get(f"/desk/case/{ticket}/").content.decode()
    assert "Measures Art. 15" in en and "R2026 Art." not in en
    data = make_api("handler", "310115").get(f"/cases/{ticket}").json()
    accepted = [e for e in data["events"] if e["action"] == "accepted"][0]
    assert accepted["article"] == "R2026 Art. 15" and accepted["article_text"]  # the raw field is unchanged
    mediation = [d for d in data["deadlines"] if d["step"] == "mediation"][0]
    assert mediation["article"] == "R2026 Art. 23(1)(5)" and "第二十三条第一款第（五）项" in mediation["article_text"]


@pytest.mark.django_db
def test_the_regulation_page_says_which_regulation_and_when_it_applies():
    zh = Client().get("/rules/R2022/", headers={"accept-language": "zh-hans"}).content.decode()
    assert R2022_TITLE in zh and "2020年1月1日" in zh and "国家市场监督管理总局令第20号" in zh
    assert "Issued as" not in zh
    en = Client().get("/rules/R2026/", headers={"accept-language": "en"}).content.decode()
    assert "Measures for Handling Complaints and Reports by Market Supervision" in en and "Order No. 121" in en
    assert Client().get("/rules/R1999/").status_code == 404
