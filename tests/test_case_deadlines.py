"""Deadlines stored on cases: the issue's examples, provisional years, pauses, and the overdue job."""
import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from ombud.cases.models import CaseEvent
from ombud.notify.models import Message
from ombud.workflow.escalation import escalate_overdue
from ombud.workflow.models import CaseDeadline

from .conftest import ON_AN_R2026_DAY, complaint, frozen, make_api
from .test_workdays import CSV_2027, write
from .workflow_helpers import staff_user

pytestmark = pytest.mark.django_db


def _file(received_at, **extra):
    r = make_api("integrator").post("/cases", complaint(received_at=received_at, **extra))
    assert r.status_code == 201, r.content
    return r.json()


@frozen(2026, 10, 20, 10)
def test_acceptance_due_2026_10_12_over_mid_autumn_and_national_day():
    data = _file("2026-09-25T16:00:00+08:00")
    (deadline,) = data["deadlines"]
    assert deadline["step"] == "acceptance" and deadline["last_day"] == "2026-10-12"
    assert deadline["due"] == "2026-10-12T23:59:59+08:00"
    assert deadline["provisional"] is False and deadline["paused"] is False and deadline["overdue"] is True
    assert data["rule_set_version"]["code"] == "R2026"


@frozen(2026, 4, 20, 10)
def test_r2022_applies_before_15_april_2026_with_its_45_working_day_mediation():
    data = _file("2026-04-14T10:00:00+08:00")
    assert data["rule_set"] == "R2022"
    t = data["ticket"]
    data = make_api("handler", "310115").post(f"/cases/{t}/actions/accept", {}).json()
    mediation = next(d for d in data["deadlines"] if d["step"] == "mediation")
    assert (mediation["days"], mediation["unit"], mediation["article"]) == (45, "working", "R2022 Art. 21(5)")


@frozen(2026, 12, 29, 10)
def test_provisional_2027_deadline_is_final_once_2027_is_loaded(tmp_path, django_capture_on_commit_callbacks):
    admin = staff_user("root", "admin", "100000", "root@example.com")
    admin.is_superuser = True
    admin.save()
    data = _file("2026-12-28T09:00:00+08:00")
    (deadline,) = data["deadlines"]
    assert deadline["provisional"] is True and deadline["last_day"] == "2027-01-07"
    alert = Message.objects.get(template="calendar_missing")
    assert alert.to == "root@example.com" and "2027" in alert.subject
    _file("2026-12-29T09:00:00+08:00")
    assert Message.objects.filter(template="calendar_missing").count() == 1  # once per year
    with django_capture_on_commit_callbacks(execute=True):
        call_command("calendar", "load", write(tmp_path, "2027.csv", CSV_2027))
    after = make_api("handler", "310115").get(f"/cases/{data['ticket']}").json()["deadlines"][0]
    # the made-up file makes Saturday 2 January a working day: one day earlier, and final
    assert after["provisional"] is False and after["last_day"] == "2027-01-06"


@pytest.mark.parametrize("accepted_on,nominal,rolled,after_pause", [
    # +60 days is Monday 2 November: nothing to roll; a 10-day pause moves the end by 10 days.
    ("2026-09-03", "2026-11-02", "2026-11-02", "2026-11-12"),
    # +60 days is Sunday 1 November, rolled to Monday 2 November. The pause extends the raw
    # period (1 + 10 = Wednesday 11 November), and only then is the rest-day roll applied, so the
    # shown end moves by 9 days, not 10 (DESIGN.md, "Deadline arithmetic").
    ("2026-09-02", "2026-11-01", "2026-11-02", "2026-11-11"),
    # +60 days is Thursday 1 October, inside National Day, rolled to Thursday 8 October; a 10-day
    # pause gives Sunday 11 October, rolled to Monday 12 October: the end moves by 4 days.
    ("2026-08-02", "2026-10-01", "2026-10-08", "2026-10-12"),
])
def test_pause_extends_the_raw_mediation_period_then_the_rest_day_roll_applies(time_machine, accepted_on, nominal,
                                                                              rolled, after_pause):
    received = dt.datetime.fromisoformat(f"{accepted_on}T09:00:00+08:00")
    time_machine.move_to(received)
    t = _file(received.isoformat())["ticket"]
    time_machine.move_to(received + dt.timedelta(hours=2))
    handler = make_api("handler", "310115")
    assert handler.post(f"/cases/{t}/actions/accept", {}).status_code == 200
    r = handler.post(f"/cases/{t}/actions/start_mediation", {"consent_complainant": True, "consent_respondent": True,
                                                             "mode": "in_person", "mediator": "李"})
    assert r.status_code == 200, r.content
    shown = next(d for d in r.json()["deadlines"] if d["step"] == "mediation")
    assert (shown["days"], shown["unit"]) == (60, "calendar")
    assert dt.date.fromisoformat(accepted_on) + dt.timedelta(days=60) == dt.date.fromisoformat(nominal)
    assert shown["last_day"] == rolled
    # a 10-day testing pause: stopped the day after acceptance, restarted 10 days later
    time_machine.move_to(received + dt.timedelta(days=1))
    assert handler.post(f"/cases/{t}/actions/pause", {"reason": "testing"}).status_code == 200
    time_machine.move_to(received + dt.timedelta(days=11))
    r = handler.post(f"/cases/{t}/actions/resume", {})
    assert r.status_code == 200, r.content
    shown = next(d for d in r.json()["deadlines"] if d["step"] == "mediation")
    assert shown["last_day"] == after_pause and shown["paused"] is False
    clock = CaseDeadline.objects.get(case__ticket=t, step="mediation")
    assert len(clock.pauses) == 1


@ON_AN_R2026_DAY
def test_overdue_job_escalates_once_and_tells_the_handler_and_supervisor():
    supervisor = staff_user("zhou", "supervisor", "310115", "zhou@example.com")
    handler = staff_user("wu", "handler", "310115", "wu@example.com")
    staff_user("qian", "supervisor", "310104", "qian@example.com")  # another authority: not told
    late = _file("2026-09-25T16:00:00+08:00")["ticket"]
    from ombud.cases.models import Case

    Case.objects.filter(ticket=late).update(handler=handler)
    _file((timezone.now() - dt.timedelta(minutes=1)).isoformat())  # not yet due
    paused = _file("2026-09-25T16:00:00+08:00")["ticket"]
    CaseDeadline.objects.filter(case__ticket=paused).update(paused_at=timezone.now())
    assert escalate_overdue() == 1
    event = CaseEvent.objects.get(action="deadline_overdue")
    assert event.case.ticket == late and event.article == "R2026 Art. 15" and event.data["step"] == "acceptance"
    digests = {m.to: m for m in Message.objects.filter(template="overdue_digest")}
    assert set(digests) == {supervisor.email, handler.email}
    assert late[:4] in digests[supervisor.email].body and "1" in digests[handler.email].subject
    assert escalate_overdue() == 0  # idempotent: nothing changes the second time
    assert CaseEvent.objects.filter(action="deadline_overdue").count() == 1
    assert Message.objects.filter(template="overdue_digest").count() == 2
    shown = make_api("handler", "310115").get(f"/cases/{late}").json()["deadlines"][0]
    assert shown["overdue"] and shown["escalated"]


@ON_AN_R2026_DAY
def test_overdue_job_covers_every_overdue_clock():
    tickets = [_file("2026-09-25T16:00:00+08:00")["ticket"] for _ in range(5)]
    assert escalate_overdue() == 5
    assert set(CaseEvent.objects.filter(action="deadline_overdue").values_list("case__ticket", flat=True)) == set(
        tickets)


@ON_AN_R2026_DAY
def test_next_due_follows_the_open_clocks():
    """The queue sorts on Case.next_due: the earliest due of the open clocks, None once none is open."""
    from ombud.cases.models import Case

    t = _file("2026-11-02T09:00:00+08:00")["ticket"]
    case = Case.objects.get(ticket=t)
    assert case.next_due == CaseDeadline.objects.get(case=case, step="acceptance").due
    handler = make_api("handler", "310115")
    handler.post(f"/cases/{t}/actions/accept", {})
    case.refresh_from_db()
    assert case.next_due == CaseDeadline.objects.get(case=case, step="mediation").due
    handler.post(f"/cases/{t}/actions/withdraw", {})
    case.refresh_from_db()
    assert case.next_due is None
