"""`ombud synth`: a 1:1000 national year reproduces the published figures and shares, passes the same
consistency checks as service-written cases, is deterministic for a seed, and resumes after a stop;
and the analytical store answers what the case tables answer (on SQLite and PostgreSQL)."""
import datetime as dt
import hashlib
from collections import Counter
from decimal import Decimal

import pytest
from django.db.models import Count, Sum

from ombud.analytics import calibration as cal
from ombud.analytics import checks, selectors, store, synth
from ombud.analytics.models import SynthRun
from ombud.cases.models import Case, CaseEvent
from ombud.workflow.models import CaseDeadline

from .conftest import frozen

pytestmark = pytest.mark.django_db
AS_OF = dt.datetime(2024, 4, 1, tzinfo=synth.CST)
YEAR = (dt.date(2023, 1, 1), dt.date(2023, 12, 31))


def _shares(counter):
    total = sum(counter.values())
    return {k: v / total for k, v in counter.items()}


@frozen(2026, 11, 16, 10)
def test_a_1_to_1000_year_reproduces_the_published_figures_and_shares(settings, tmp_path):
    cases = round(cal.YEARS[2023]["total"] / 1000)
    run = synth.run(year=2023, cases=cases, seed=7, as_of=AS_OF)
    qs = Case.objects.filter(source=synth.SOURCE)
    assert run.finished_at is not None and qs.count() == cases == 35_343

    kinds = _shares(Counter(dict(qs.values_list("kind").annotate(n=Count("id")))))
    for kind, share in cal.KIND_SHARES.items():
        assert abs(kinds[kind] - share) <= 1 / cases, (kind, kinds[kind], share)  # exact, but for rounding

    complaints = qs.filter(kind="complaint").count()
    issues = _shares(Counter(dict(qs.filter(kind="complaint").values_list("issue_type").annotate(n=Count("id")))))
    for issue, share in cal.issue_shares(2023).items():
        assert abs(issues[issue] - share) <= cal.tolerance(share, complaints), (issue, issues[issue], share)
    assert max(issues, key=issues.get) == "after_sales"  # SAMR: the top issue of 2023

    online = qs.exclude(platform=None).count() / cases
    target = cal.YEARS[2023]["online"] / cal.YEARS[2023]["total"]
    assert abs(online - target) <= cal.tolerance(target, cases)

    # ¥4.49 bn at 1:1000 is ¥4,490,000.00 exactly, over the cases that closed with an agreement
    recovered = qs.aggregate(s=Sum("amount_recovered"))["s"]
    assert recovered == Decimal("4490000.00")
    assert not qs.exclude(outcome__in=["agreement", "presettled"]).exclude(amount_recovered=None).exists()
    amounts = sorted(qs.exclude(amount_recovered=None).values_list("amount_recovered", flat=True))
    assert amounts[-1] > 10 * amounts[len(amounts) // 2]  # a long tail

    homes = _shares(Counter(c[:2] for c in qs.values_list("complainant_region_id", flat=True)))
    people = sum(cal.PROVINCE_POPULATION.values())
    for province, pop in cal.PROVINCE_POPULATION.items():
        assert abs(homes.get(province, 0) - pop / people) <= cal.tolerance(pop / people, cases), province

    finished = qs.filter(kind="complaint", status__in=["closed", "refused", "withdrawn"])
    rated = finished.exclude(rating_handling=None).count() / finished.count()
    assert abs(rated - cal.RATED_SHARE) < 0.02
    assert finished.filter(rating_handling=None).exists()  # unrated stays unrated

    per_day = _per_local_day(qs)
    march = [per_day[dt.date(2023, 3, d)] for d in range(1, 32)]
    assert per_day[dt.date(2023, 3, 15)] > 1.5 * sorted(march)[15]  # the 15 March peak
    festival = [per_day[dt.date(2023, 1, d)] for d in range(21, 28)]
    assert max(festival) < 0.75 * sorted(per_day[dt.date(2023, 1, d)] for d in range(1, 32))[15]

    assert checks.run() == {name: 0 for name in checks.CHECKS}

    # the store answers what the case tables answer
    settings.OMBUD_ANALYTICS_DIR = tmp_path / "store"
    store.refresh(full=True)
    nation = selectors.top_respondents(start=YEAR[0], end=YEAR[1], limit=5)
    assert nation.meta.get("method") == "monthly top lists"  # proven from the monthly top lists
    _store_matches_tables(*YEAR)


def test_top_respondents_fall_back_when_the_monthly_lists_cannot_prove_them(settings, tmp_path, monkeypatch):
    synth.run(year=2023, cases=6000, seed=3, as_of=AS_OF)
    settings.OMBUD_ANALYTICS_DIR = tmp_path / "store"
    monkeypatch.setattr(store, "TOP_KEPT", 3)  # lists too short to prove a top 5
    store.refresh(full=True)
    cases = Case.objects.all()
    top = list(cases.exclude(respondent=None).values_list("respondent").annotate(n=Count("id"))
               .order_by("-n", "respondent")[:5])
    answer = selectors.top_respondents(start=YEAR[0], end=YEAR[1], limit=5)
    assert answer.rows == [(r, n) for r, n in top] and answer.meta.get("method") is None
    # and a top 2 may be provable from lists of 3 when the leaders stand clear; either way it is right
    two = selectors.top_respondents(start=YEAR[0], end=YEAR[1], limit=2)
    assert two.rows == [(r, n) for r, n in top[:2]]


def _per_local_day(qs):
    counter = Counter()
    for moment in qs.values_list("received_at", flat=True).iterator():
        counter[moment.astimezone(synth.CST).date()] += 1
    return counter


def _store_matches_tables(start, end):
    cases = Case.objects.filter(received_at__date__gte=start, received_at__date__lte=end)
    by_kind = dict(cases.values_list("kind").annotate(n=Count("id")).order_by())
    assert selectors.totals_by_kind(start=start, end=end).rows == by_kind

    # a province and a county: the store's subtree answers equal the tables'
    province = Counter()
    for code in cases.values_list("authority__region_id", flat=True):
        province[code[:2] + "0000"] += 1
    assert dict(selectors.by_child_region(start=start, end=end).rows) == dict(province)
    zj = selectors.totals_by_kind(region="330000", start=start, end=end).rows
    assert sum(zj.values()) == province["330000"] > 0

    complaints = cases.filter(kind="complaint")
    out = selectors.outcomes(start=start, end=end).rows
    assert out["n"] == complaints.count()
    assert out["recovered"] == complaints.aggregate(s=Sum("amount_recovered"))["s"]
    assert out["odr_settled"] == complaints.filter(odr_lane=True, outcome="presettled").count()
    # a case's acceptance is on time when its latest decision came by its latest due moment
    last = {}
    for case_id, met, due in CaseDeadline.objects.filter(case__in=complaints, step="acceptance").values_list(
            "case_id", "met_at", "due"):
        prev = last.get(case_id)
        last[case_id] = (max(met, prev[0]) if met and prev and prev[0] else met or (prev and prev[0]),
                         max(due, prev[1]) if prev else due)
    on_time = sum(1 for met, due in last.values() if met is not None and met <= due)
    assert out["accept_on_time"] == on_time

    # nation and province queries read the coarse copies; a prefecture's needs the counties
    assert selectors._grain("volume", "100000", "kind, SUM(n)") == "volume@province"
    assert selectors._grain("volume", "100000", "province, SUM(n)") == "volume@province"
    assert selectors._grain("mix", "330000", "prefecture, SUM(n)") == "mix@prefecture"
    assert selectors._grain("volume", "330100", "county, SUM(n)") == "volume"
    prefectures = Counter(code[:4] + "00" for code in cases.filter(authority__region__code__startswith="33")
                          .values_list("authority__region_id", flat=True))
    assert sum(n for _, n in selectors.by_child_region(region="330000", start=start, end=end).rows) \
        == sum(prefectures.values())

    for region, scope in (("100000", cases), ("330000", cases.filter(authority__region__code__startswith="33"))):
        top = list(scope.exclude(respondent=None).values_list("respondent").annotate(n=Count("id"))
                   .order_by("-n", "respondent")[:5])
        answer = selectors.top_respondents(region=region, start=start, end=end, limit=5)
        assert answer.rows == [(r, n) for r, n in top], region
    return answer


@frozen(2026, 11, 16, 10)
def test_a_year_is_the_same_for_a_seed_and_resumes_after_a_stop(monkeypatch):
    def fingerprint():
        h = hashlib.sha256()
        for row in Case.objects.filter(source=synth.SOURCE).order_by("external_id").values_list(
                "external_id", "ticket", "kind", "status", "outcome", "received_at", "closed_at", "amount_recovered",
                "respondent__name", "authority__code", "category", "issue_type", "rating_handling"):
            h.update(repr(row).encode())
        h.update(repr(sorted(CaseEvent.objects.filter(case__source=synth.SOURCE).values_list(
            "case__external_id", "at", "action", "to_status"))).encode())
        return h.hexdigest()

    real_write = synth.Writer.write

    def dies_on_day_100(self, d, prepared):
        if d == 100:
            raise KeyboardInterrupt
        return real_write(self, d, prepared)

    monkeypatch.setattr(synth.Writer, "write", dies_on_day_100)
    with pytest.raises(KeyboardInterrupt):
        synth.run(year=2023, cases=3000, seed=11, as_of=AS_OF)
    run = SynthRun.objects.get(seed=11)
    assert run.days_done == 100 and run.finished_at is None
    written = Case.objects.filter(source=synth.SOURCE).count()
    assert 0 < written < 3000
    monkeypatch.setattr(synth.Writer, "write", real_write)
    run = synth.run(year=2023, cases=3000, seed=11, as_of=AS_OF)  # resumes at day 100
    assert run.finished_at is not None and Case.objects.filter(source=synth.SOURCE).count() == 3000
    resumed = fingerprint()

    # the same seed from scratch gives the same year
    CaseEvent.objects.filter(case__source=synth.SOURCE)._raw_delete(CaseEvent.objects.db)
    CaseDeadline.objects.filter(case__source=synth.SOURCE).delete()
    Case.objects.filter(source=synth.SOURCE).delete()
    SynthRun.objects.all().delete()
    synth.run(year=2023, cases=3000, seed=11, as_of=AS_OF)
    assert fingerprint() == resumed
    # and another seed gives another
    CaseEvent.objects.filter(case__source=synth.SOURCE)._raw_delete(CaseEvent.objects.db)
    CaseDeadline.objects.filter(case__source=synth.SOURCE).delete()
    Case.objects.filter(source=synth.SOURCE).delete()
    synth.run(year=2023, cases=3000, seed=12, as_of=AS_OF)
    assert fingerprint() != resumed


def test_tickets_carry_the_same_check_digit_as_the_service():
    import numpy as np

    from ombud.cases.tickets import luhn_digit

    bodies = ["230000000000", "231234567890", "239999999999", "260314159265"]
    digits = np.array([[int(ch) for ch in b] for b in bodies])
    assert [str(d) for d in synth.luhn(digits)] == [luhn_digit(b) for b in bodies]


@frozen(2026, 11, 16, 10)
def test_the_store_refreshes_incrementally_from_the_event_watermark(settings, tmp_path):
    from ombud.core.auth import actor_of_user
    from ombud.workflow.services import perform
    from tests.workflow_helpers import staff_user

    settings.OMBUD_ANALYTICS_DIR = tmp_path / "store"
    synth.run(year=2023, cases=2000, seed=3, as_of=dt.datetime(2023, 12, 20, tzinfo=synth.CST))
    first = store.refresh()
    assert first["cases"] == Case.objects.count() > 1900 and store.manifest()["watermark"] == CaseEvent.objects.latest("id").id
    assert store.refresh()["cases"] == 0  # nothing new: nothing rewritten

    case = Case.objects.filter(source=synth.SOURCE, kind="complaint", status="received").first()
    assert case is not None
    before = selectors.outcomes(start=dt.date(2023, 1, 1), end=dt.date(2023, 12, 31)).rows["accept_decided"]
    handler = actor_of_user(staff_user("handler_synth", "handler", case.authority.code, "h@example.org"))
    perform(ticket=case.ticket, action="refuse", actor=handler, fields={"ground": 1, "reason": "测试"},
            at=dt.datetime(2023, 12, 20, 9, tzinfo=synth.CST))
    second = store.refresh()
    month = case.received_at.astimezone(synth.CST).strftime("%Y-%m")
    assert second["cases"] == 1 and second["months"] == [month]
    after = selectors.outcomes(start=dt.date(2023, 1, 1), end=dt.date(2023, 12, 31))
    assert after.rows["accept_decided"] == before + 1
    assert after.as_of == store.manifest()["as_of"]
    _store_matches_tables(dt.date(2023, 1, 1), dt.date(2023, 12, 31))


@frozen(2026, 11, 16, 10)
def test_the_worker_keeps_the_store_fresh(settings, tmp_path):
    from ombud.analytics.tasks import refresh_store

    settings.OMBUD_ANALYTICS_DIR = tmp_path / "store"
    assert store.lag_seconds() is None  # never built
    synth.run(year=2023, cases=500, seed=5, as_of=AS_OF)
    result = refresh_store.call_local()
    assert result["cases"] == 500
    assert store.lag_seconds() < 60
