"""A Chinese page shows no English: every page, every action form and the admin, rendered in zh.

The detector reads what a person sees (text, and the attributes a screen reader or tooltip shows)
and lists words in Latin letters that are not names of things (ODR, PDF, USCC…) or the data shown.
"""
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.template.loader import render_to_string
from django.test import Client
from django.utils import translation

import ombud
from ombud.accounts.models import Profile
from ombud.cases.models import Case, Status
from ombud.notify.models import Message
from ombud.workflow import forms, machine

from .conftest import ON_AN_R2026_DAY, complaint, make_api
from .test_portal import COMPLAINT_FORM
from .workflow_helpers import USCC, odr_business, signed_in

pytestmark = [pytest.mark.django_db, ON_AN_R2026_DAY]

# Latin words a Chinese page may show: abbreviations used in Chinese too, the product's name, the
# name of the other language in the language menu, and units.
ALLOWED = {"ODR", "API", "PDF", "USCC", "CSV", "JSON", "SMS", "Ombud", "English", "OpenAPI", "GB", "T", "ID",
           "HTML", "Email", "email", "e-mail", "htmx", "Swagger", "SHA", "Tab"}
SHOWN_ATTRIBUTES = ("placeholder", "title", "aria-label", "alt")
SKIPPED = ("script", "style", "template", "kbd")  # <kbd>: keys as printed on the keyboard (Alt, Tab)


class _Visible(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts, self._skip = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in SKIPPED:
            self._skip += 1
        attrs = dict(attrs)
        for name in SHOWN_ATTRIBUTES:
            if attrs.get(name):
                self.parts.append(attrs[name])
        if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
            self.parts.append(attrs["value"])

    def handle_endtag(self, tag):
        if tag in SKIPPED and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def english_in(html, data=()):
    """Latin-letter words in what a person sees, less ALLOWED and the words of the data on the page."""
    parser = _Visible()
    parser.feed(html)
    text = " ".join(parser.parts)
    for value in data:
        if value:
            text = text.replace(value, " ")
    text = re.sub(r"\S+@\S+|https?://\S+|/[\w/.-]+", " ", text)  # addresses and paths
    text = re.sub(r"\S*\d\S*", " ", text)  # codes with digits: tickets, USCCs, rule-set labels
    return sorted({w for w in re.findall(r"[A-Za-z][A-Za-z'’]*", text) if w not in ALLOWED})


def test_the_detector_finds_english_and_passes_chinese():
    assert english_in("<p>已受理</p><p title='Close'>关闭</p>") == ["Close"]
    assert english_in("<p>in mediation</p>") == ["in", "mediation"]
    assert english_in("<script>var x = 'hello';</script><p>ODR 协商</p><input type=submit value='发送'>") == []


# ---- the world --------------------------------------------------------------------------------

def _person(username, role, *, authority=None, business=None, name="王芳"):
    client, user = signed_in(username, role, authority=authority, business=business, name=name)
    return user, client


@pytest.fixture
def world(db):
    business = odr_business()
    people = {
        "handler": _person("chengban", "handler", authority="310115", name="李明"),
        "supervisor": _person("jiandu", "supervisor", authority="310000", name="周强"),
        "operator": _person("jiexian", "operator", authority="310115", name="陈静"),
        "firm": _person("qiye", "business", business=business, name="赵磊"),
        "consumer": _person("xiaofei", "consumer", name="张伟"),
    }
    handler = make_api("handler", "310115")
    body = complaint(respondent={"name": business.name, "uscc": USCC, "address": "上海市浦东新区张江路100号"})
    tickets = {}
    t = tickets["mediating"] = make_api("integrator").post("/cases", body).json()["ticket"]
    r = people["handler"][1].post(f"/desk/case/{t}/act/accept/", {"notes": "材料齐全"})  # a person, not a key
    assert r.status_code == 302, r.content.decode()
    r = handler.post(f"/cases/{t}/actions/start_mediation", {"consent_complainant": True, "consent_respondent": True,
                                                             "mode": "in_person", "mediator": "李明", "place": "调解室"})
    assert r.status_code == 200, r.content
    t = tickets["refused"] = make_api("integrator").post("/cases", body).json()["ticket"]
    assert handler.post(f"/cases/{t}/actions/refuse", {"ground": 3, "reason": "非生活消费"}).status_code == 200
    r = people["consumer"][1].post("/complaint/", COMPLAINT_FORM)
    assert r.status_code == 302, r.content.decode()
    tickets["odr"] = r["Location"].split("/")[2]
    tickets["report"] = make_api("integrator").post("/cases", complaint(
        kind="report", violation_type="price", request="", conduct_address="上海市浦东新区张江路100号")).json()["ticket"]
    Case.objects.update(submitted_by_user=people["consumer"][0])  # the consumer's own cases
    assert Case.objects.get(ticket=tickets["odr"]).status == "odr"
    return people, tickets


def _get(client, url):
    r = client.get(url)
    assert r.status_code == 200, (url, r.status_code)
    return r.content.decode()


def _pages(people, tickets):
    anonymous = Client(headers={"Accept-Language": "zh-hans"})
    desk, sup, op = people["handler"][1], people["supervisor"][1], people["operator"][1]
    firm, me = people["firm"][1], people["consumer"][1]
    yield "home", anonymous, "/"
    yield "complaint form", anonymous, "/complaint/"
    yield "report form", anonymous, "/report/"
    yield "tracking", anonymous, "/track/"
    yield "sign-in", anonymous, "/accounts/login/"
    yield "my cases", me, "/my/"
    for state, t in tickets.items():
        yield f"consumer case ({state})", me, f"/case/{t}/"
        yield f"desk case ({state})", desk, f"/desk/case/{t}/"
    yield "queue", desk, "/desk/"
    yield "queue, closed", desk, "/desk/?status=refused"
    yield "overview", sup, "/desk/overview/"
    yield "overview, county", sup, "/desk/overview/?region=310115"
    yield "console", op, "/desk/console/"
    yield "business list", firm, "/business/"
    yield "business case", firm, f"/business/case/{tickets['mediating']}/"


def test_every_page_is_chinese(world):
    people, tickets = world
    from ombud.accounts.models import ApiKey
    from ombud.businesses.models import Business

    data = ({c.respondent_name for c in Case.objects.all()} | {c.order_number for c in Case.objects.all()}
            | set(Business.objects.values_list("uscc", flat=True)) | set(ApiKey.objects.values_list("name", flat=True))
            | {"xiaofei", "chengban", "jiandu", "jiexian", "qiye"})
    found = {}
    for name, client, url in _pages(people, tickets):
        english = english_in(_get(client, url), data)
        if english:
            found[name] = english
    assert found == {}


def test_every_action_form_is_chinese(world):
    _, tickets = world
    case = Case.objects.get(ticket=tickets["mediating"])
    found = {}
    with translation.override("zh-hans"):
        for rule in machine.table():
            html = render_to_string("workflow/_action_form.html", {"fields": forms.fields(rule, case), "errors": {}})
            title = str(forms.ACTIONS.get(rule.action, rule.action))
            english = english_in(html + f"<h1>{title}</h1>")
            if english:
                found[f"{rule.kinds}:{rule.action}"] = english
    assert found == {}


def test_an_action_error_is_chinese(world):
    people, tickets = world
    desk = people["handler"][1]
    t = make_api("integrator").post("/cases", complaint(consent_delegated_mediation=False)).json()["ticket"]
    make_api("handler", "310115").post(f"/cases/{t}/actions/accept", {})
    r = desk.post(f"/desk/case/{t}/act/start_mediation/", {
        "consent_complainant": "on", "consent_respondent": "on", "mode": "in_person", "mediator": "李明",
        "delegated_to": "上海市消费者权益保护委员会"})
    assert r.status_code == 422
    html = r.content.decode()
    assert "委托调解" in html and english_in(html, {"上海市消费者权益保护委员会"}) == []
    r = Client(headers={"Accept-Language": "zh-hans"}).post("/complaint/", {"complainant_phone": "12"})
    assert english_in(r.content.decode()) == []


def test_the_admin_is_chinese(world):
    admin = get_user_model().objects.create_superuser("root", "root@example.com", "pw")
    Profile.objects.create(user=admin, role="admin", language="zh-hans")
    client = Client(headers={"Accept-Language": "zh-hans"})
    client.force_login(admin)
    # Django's admin writes these in English whatever the language (alt texts of its icons).
    from ombud.rules.models import RuleSet

    data = ({"root", "True", "False", "Search"} | set(Message.objects.values_list("template", flat=True))
            | {str(rs) for rs in RuleSet.objects.all()})
    index = _get(client, "/admin/")
    found = {"index": english_in(index, data)} if english_in(index, data) else {}
    for url in ("/admin/cases/case/", "/admin/notify/message/", "/admin/rules/ruleset/", "/admin/workdays/holidayarrangement/"):
        english = english_in(_get(client, url), data)
        if english:
            found[url] = english
    # a change form shows stored data (JSON, free text) as it is: its labels must be Chinese
    html = _get(client, f"/admin/cases/case/{Case.objects.first().pk}/change/")
    labels = re.findall(r"<label[^>]*>(.*?)</label>", html, re.S) + re.findall(r"<h2[^>]*>(.*?)</h2>", html, re.S)
    english = english_in(" ".join(labels), {"root"})
    if english:
        found["case change form"] = english
    assert found == {}


# ---- the catalogue ----------------------------------------------------------------------------

def _catalogue():
    po = (Path(ombud.__file__).parent / "locale/zh_Hans/LC_MESSAGES/django.po").read_text(encoding="utf-8")
    entries = {}
    for block in po.split("\n\n"):
        ctx = re.search(r'^msgctxt "(.*)"$', block, re.M)
        msgid = re.search(r'^msgid ((?:".*"\n?)+)', block, re.M)
        msgstr = re.search(r'^msgstr ((?:".*"\n?)+)', block, re.M)
        if msgid and msgstr:
            join = lambda m: "".join(re.findall(r'"(.*)"', m.group(1)))  # noqa: E731
            entries[(ctx.group(1) if ctx else None, join(msgid))] = (join(msgstr), "#, fuzzy" in block)
    return entries


# The glossary (DESIGN.md) in the words of the 12315 system.
STATUS_ZH = {
    "pending_dispatch": "待分送", "received": "已登记", "odr": "企业ODR协商中", "odr_failed": "ODR协商未果",
    "accepted": "已受理", "refused": "不予受理", "mediating": "调解中", "agreed": "已达成调解协议",
    "terminated": "已终止调解", "withdrawn": "已撤回", "filed": "已立案", "not_filed": "不予立案",
    "penalized": "已作出处罚决定", "closed": "已办结",
}


def test_status_labels_follow_the_glossary():
    with translation.override("zh-hans"):
        assert {s.value: str(s.label) for s in Status} == STATUS_ZH


def test_no_entry_is_fuzzy_and_vocabulary_words_do_not_share_a_translation():
    """A status that borrowed a region's or a role's word (调解中 shown as 全国) fails here."""
    from ombud.accounts.models import Role
    from ombud.cases.models import Channel, Kind
    from ombud.cases.plain import STEPS

    entries = _catalogue()
    assert [k for k, (_, fuzzy) in entries.items() if fuzzy] == []
    from ombud.regions.models import Region

    with translation.override("en"):  # the msgids
        vocabulary = [str(x.label) for enum in (Status, Kind, Channel, Role, Region.Level) for x in enum]
        vocabulary += [str(v) for v in STEPS.values()]
    shown = {}
    for msgid in set(vocabulary):
        msgstr, _ = entries.get((None, msgid), ("", False))
        assert msgstr, f"{msgid!r} has no Chinese"
        shown.setdefault(msgstr, []).append(msgid)
    shared = {zh: ids for zh, ids in shown.items() if len(ids) > 1}
    assert shared == {}


def test_every_model_and_field_name_is_translated():
    from django.apps import apps

    with translation.override("zh-hans"):
        untranslated = []
        for model in apps.get_models():
            if not model.__module__.startswith("ombud."):
                continue
            names = [model._meta.verbose_name, model._meta.verbose_name_plural]
            names += [f.verbose_name for f in model._meta.get_fields()
                      if f.concrete and not f.auto_created and getattr(f, "verbose_name", None)]
            untranslated += [f"{model.__name__}: {n}" for n in names if english_in(f"<p>{n}</p>")]
    assert untranslated == []


# ---- wording ----------------------------------------------------------------------------------

def test_small_wording(world):
    people, tickets = world
    desk, firm, me = people["handler"][1], people["firm"][1], people["consumer"][1]
    t = tickets["mediating"]
    staff_page, business_page, own_page = (_get(desk, f"/desk/case/{t}/"), _get(firm, f"/business/case/{t}/"),
                                           _get(me, f"/case/{t}/"))
    # the received line speaks to the consumer only
    assert "已收到您的案件" in own_page
    assert "已收到您的案件" not in staff_page and "已收到您的案件" not in business_page and "案件已登记" in staff_page
    # the header does not say 已登记 twice
    assert "已登记 · 已登记" not in staff_page and "登记于" in staff_page
    # each language is named in its own words
    assert ">English</option>" in staff_page and ">简体中文</option>" in staff_page and "英语" not in staff_page
    # actors are named by role and name, never a username
    assert "承办人员 李明" in staff_page and "chengban" not in staff_page


def test_queue_pages_are_pages_not_steps(world):
    people, _ = world
    for _ in range(51):  # one more than a page
        make_api("integrator").post("/cases", complaint())
    html = _get(people["handler"][1], "/desk/")
    assert "page=2" in html
    link = html.split("page=2")[1].split("</a>")[0]
    assert "下一页" in link and "下一步" not in link


def test_the_drill_down_moves_past_a_municipality_s_own_district_level(world):
    people, _ = world
    html = _get(people["supervisor"][1], "/desk/overview/?region=310000")
    # 310000 → 310100 is again 上海市市场监督管理局: the list goes straight to the districts
    assert "浦东新区" in html and "?region=310100" not in html
    html = _get(people["supervisor"][1], "/desk/overview/?region=310115")
    assert "上海市浦东新区市场监督管理局" in html.split("</h1>")[0]
    assert 'href="?region=310000"' in html  # up to the city, past the repeated level
