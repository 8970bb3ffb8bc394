"""Rule sets are versioned data: periods, grounds, citations; amended in the admin with history."""
import json

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from ombud.rules.models import RuleSet, RuleSetRevision
from ombud.rules.selectors import clear_cache
from ombud.rules.services import save_rule_set

from .conftest import ON_AN_R2026_DAY, frozen, complaint, make_api

pytestmark = [pytest.mark.django_db, ON_AN_R2026_DAY]


def test_both_rule_sets_carry_periods_grounds_and_citations():
    r2022, r2026 = RuleSet.objects.get(code="R2022"), RuleSet.objects.get(code="R2026")
    assert [len(r2022.refusal_grounds), len(r2026.refusal_grounds)] == [6, 7]
    assert [len(r2022.termination_grounds), len(r2026.termination_grounds)] == [7, 8]
    assert r2026.ground("termination", 5)["article"] == "Art. 23(1)(5)"
    assert r2022.period("mediation")["days"] == 45 and r2022.period("mediation")["unit"] == "working"
    assert r2026.period("mediation") | {} == {**r2026.period("mediation"), "days": 60, "unit": "calendar",
                                               "from": "acceptance", "pausable": True}
    verification = r2026.period("verification")
    assert (verification["extension_days"], verification["extension_needs_approval"]) == (15, True)
    assert "return_visit" in r2026.citations and "return_visit" not in r2022.citations  # new in R2026
    # every period and ground carries its article
    for rs in (r2022, r2026):
        assert all(p["article"] for p in rs.periods.values())
        assert all(g["article"] and g["text_zh"] and g["text_en"] for g in rs.refusal_grounds + rs.termination_grounds)
    assert RuleSetRevision.objects.filter(rule_set=r2026, action="created").exists()


def test_an_amendment_is_kept_as_a_revision_and_applies_to_new_clocks():
    admin = get_user_model().objects.create_superuser("admin", "a@example.com", "x")
    rs = RuleSet.objects.get(code="R2026")
    rs.periods = {**rs.periods, "acceptance": {**rs.periods["acceptance"], "days": 5}}
    revision = save_rule_set(rule_set=rs, user=admin, comment="test correction")
    assert revision.changes["periods"][0]["acceptance"]["days"] == 7
    assert revision.changes["periods"][1]["acceptance"]["days"] == 5 and revision.user == admin
    assert save_rule_set(rule_set=rs, user=admin) is None  # nothing changed, nothing recorded
    clear_cache()
    data = make_api("integrator").post("/cases", complaint()).json()
    assert data["deadlines"][0]["days"] == 5


@frozen(2026, 11, 25, 10)
def test_a_new_version_decides_cases_received_from_its_date():
    rs = RuleSet.objects.get(code="R2026")
    rs.effective_until = None
    v2 = RuleSet(**{f.name: getattr(rs, f.name) for f in RuleSet._meta.fields if f.name not in ("id", "created_at")})
    v2.version, v2.effective_from = 2, rs.effective_from.replace(year=2026, month=11, day=1)
    rs.effective_until = v2.effective_from
    save_rule_set(rule_set=rs)
    save_rule_set(rule_set=v2)
    clear_cache()
    api = make_api("integrator")
    old = api.post("/cases", complaint(received_at="2026-10-20T10:00:00+08:00")).json()
    new = api.post("/cases", complaint(received_at="2026-11-20T10:00:00+08:00")).json()
    assert old["rule_set_version"]["version"] == 1 and new["rule_set_version"]["version"] == 2
    assert new["rule_set"] == "R2026v2"


def test_admin_shows_the_history_and_saves_amendments_through_the_service():
    admin = get_user_model().objects.create_superuser("admin", "a@example.com", "x")
    client = Client()
    client.force_login(admin)
    rs = RuleSet.objects.get(code="R2022")
    page = client.get(f"/admin/rules/ruleset/{rs.pk}/change/")
    assert page.status_code == 200 and "seeded from DESIGN.md" in page.content.decode()
    assert client.get("/admin/rules/rulesetrevision/").status_code == 200
    form = {f: json.dumps(getattr(rs, f), ensure_ascii=False) for f in ("citations", "periods", "refusal_grounds",
                                                                         "termination_grounds", "rewards")}
    form["periods"] = json.dumps({**rs.periods, "mediation": {**rs.periods["mediation"], "days": 44}})
    form.update(code=rs.code, version=rs.version, title=rs.title, instrument=rs.instrument,
                effective_from=rs.effective_from.isoformat(), effective_until=rs.effective_until.isoformat(),
                active="on", notes="", _comment="typo in the mediation period")
    r = client.post(f"/admin/rules/ruleset/{rs.pk}/change/", form)
    assert r.status_code == 302, r.content.decode()[:2000]
    revision = RuleSetRevision.objects.filter(rule_set=rs, action="amended").get()
    assert list(revision.changes) == ["periods"] and revision.user == admin
    assert "periods" in client.get(f"/admin/rules/ruleset/{rs.pk}/change/").content.decode()
