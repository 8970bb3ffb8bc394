"""`ombud demo`: a realistic dataset loaded through the real services."""
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from ombud.accounts.models import ApiKey, Profile, Role
from ombud.businesses import uscc
from ombud.businesses.models import Business
from ombud.cases.models import Case, CaseEvent
from ombud.core import demo

from .conftest import ON_AN_R2026_DAY

pytestmark = [pytest.mark.django_db, ON_AN_R2026_DAY]
CASES = 150


@pytest.fixture
def loaded(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast, tests only
    out, err = io.StringIO(), io.StringIO()
    call_command("demo", cases=CASES, seed=7, generated=0, stdout=out, stderr=err)
    return out.getvalue()


def test_the_demo_comes_with_a_generated_history_behind_the_dashboards(settings, tmp_path):
    from ombud.analytics import store
    from ombud.analytics.models import SynthRun

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.OMBUD_ANALYTICS_DIR = tmp_path / "store"
    out = io.StringIO()
    call_command("demo", cases=60, seed=7, generated=1200, stdout=out, stderr=io.StringIO())
    assert "Generated history for the dashboards" in out.getvalue()
    assert sorted(SynthRun.objects.values_list("year", flat=True)) == [2025, 2026]  # last year, and this year to date
    assert len(store.manifest()["months"]) >= 22
    client = Client()
    client.force_login(get_user_model().objects.get(username="supervisor"))
    page = client.get("/desk/analytics/")
    assert page.status_code == 200 and b'data-chart="bar"' in page.content  # Shanghai's districts


def test_staff_accounts_for_every_role(loaded):
    User = get_user_model()
    expected = {"admin": ("admin", "100000"), "operator": ("operator", "310115"), "handler": ("handler", "310115"),
                "supervisor": ("supervisor", "310000"), "handler_bj": ("handler", "110105"),
                "business": ("business", None), "consumer": ("consumer", None)}
    for username, (role, authority) in expected.items():
        user = User.objects.get(username=username)
        assert user.check_password(demo.DEMO_PASSWORD)
        profile = Profile.objects.get(user=user)
        assert profile.role == role
        assert (profile.authority.code if profile.authority else None) == authority
    assert User.objects.get(username="admin").is_superuser
    rep = Profile.objects.get(user__username="business")
    assert rep.business is not None and rep.business.odr_enrolled
    assert set(Profile.objects.values_list("role", flat=True)) == set(Role.values) - {Role.INTEGRATOR}
    assert ApiKey.objects.filter(role=Role.INTEGRATOR, revoked_at__isnull=True).count() == 1
    # The sign-in table and the key are printed.
    assert demo.DEMO_PASSWORD in loaded and "handler_bj" in loaded and "omb_" in loaded


def test_businesses(loaded):
    kinds = {k: Business.objects.filter(kind=k).count() for k in Business.Kind.values}
    assert kinds["platform"] in (3, 4)
    assert kinds["merchant"] >= 50 and kinds["self_operated"] >= 2 and sum(kinds.values()) >= 280
    assert not Business.objects.filter(kind="merchant", platform__isnull=True).exists()
    assert Business.objects.filter(kind="merchant", address_published=False).exists()
    odr = Business.objects.filter(odr_enrolled=True)
    assert 30 <= odr.count() <= 50 and not odr.filter(odr_enrolled_on__isnull=True).exists()
    for b in Business.objects.all():
        assert uscc.validate(b.uscc) == b.uscc and b.uscc[:2] == "91"
        if b.address_published:
            assert b.operating_region is not None and b.operating_region.level >= 2, b.name
            assert b.uscc[2:8] == b.operating_region.code, b.name
    provinces = {code[:2] for code in Business.objects.exclude(operating_region=None)
                 .values_list("operating_region_id", flat=True)}
    assert {"31", "11", "44", "33", "32", "51", "42"} <= provinces


def test_cases(loaded):
    assert Case.objects.filter(linked_case__isnull=True).count() + Case.objects.filter(
        kind="report", linked_case__isnull=False).count() >= CASES
    kinds = {k: Case.objects.filter(kind=k, linked_case__isnull=True).count()
             for k in ("complaint", "report", "consultation")}
    assert all(kinds.values()), kinds
    assert kinds["complaint"] > kinds["report"] > kinds["consultation"] * 0.5
    assert Case.objects.filter(kind="report", anonymous=True, complainant_name="").exists()
    assert Case.objects.filter(kind="report").exclude(violation_type="").exists()
    assert Case.objects.filter(kind="report").exclude(conduct_address="").exists()
    assert Case.objects.filter(kind="complaint", linked_case__kind="report").exists()  # Art. 7 split
    assert Case.objects.filter(incomplete=True, kind="complaint").exists()
    assert {"web", "app", "hotline", "letter"} <= set(Case.objects.values_list("channel", flat=True))
    provinces = {code[:2] for code in Case.objects.values_list("authority__region_id", flat=True)}
    assert len(provinces - {"10"}) >= 5, provinces
    assert CaseEvent.objects.filter(action="routed").count() >= CASES * 0.8
    assert Case.objects.filter(kind="complaint", amount__gt=0).exists()
    assert any("\u4e00" <= ch <= "\u9fff" for ch in Case.objects.exclude(facts="").first().facts)


def test_both_rule_sets(loaded):
    backdated = Case.objects.exclude(submitted_by_user__username="consumer")
    r2022 = backdated.filter(rule_set__code="R2022")
    r2026 = backdated.filter(rule_set__code="R2026")
    assert r2022.exists() and r2026.count() > r2022.count()
    assert r2022.filter(received_at__date__lt="2026-04-15").count() == r2022.count()
    assert CaseEvent.objects.filter(data__rule="routing.platform_fallback").exists()


def test_pudong_complaint_goes_to_pudong(loaded):
    pudong = Case.objects.filter(kind="complaint", respondent__kind="ordinary",
                                 respondent__operating_region_id="310115")
    assert pudong.exists()
    assert set(pudong.values_list("authority__code", flat=True)) == {"310115"}


def test_running_twice_changes_nothing(loaded):
    before = (Case.objects.count(), Business.objects.count(), get_user_model().objects.count(),
              ApiKey.objects.count(), CaseEvent.objects.count())
    out = io.StringIO()
    call_command("demo", cases=CASES, stdout=out, stderr=io.StringIO())
    assert "already loaded" in out.getvalue()
    assert demo.load(cases=CASES).loaded is False
    after = (Case.objects.count(), Business.objects.count(), get_user_model().objects.count(),
             ApiKey.objects.count(), CaseEvent.objects.count())
    assert before == after



def test_older_cases_went_through_their_procedure(loaded):
    statuses = set(Case.objects.values_list("status", flat=True))
    assert {"accepted", "closed", "refused"} & statuses and len(statuses) >= 5, statuses
    assert Case.objects.filter(outcome="agreement", amount_recovered__gt=0).exists()
    assert Case.objects.filter(verdict_resolved__isnull=False).exists()
    from ombud.documents.models import Document
    from ombud.workflow.models import CaseDeadline

    assert Document.objects.filter(form="acceptance").exists()
    assert CaseDeadline.objects.filter(met_at__isnull=False).exists()
    # every step the demo took is an event citing its article
    steps = CaseEvent.objects.exclude(action__in=["received", "routed", "held_for_dispatch", "split"])
    assert steps.exists() and not steps.filter(article="").exists()
