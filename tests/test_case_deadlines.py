"""Deadlines stored on cases: the issue's examples, provisional years, pauses, and the overdue job."""
import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from ombud.cases.models import CaseEvent
from ombud.notify.models import Message
from ombud.workflow.escalation import escalate_overdue
from ombud.workflow.models import CaseDeadline

from .conftest import complaint, make_api
from .test_workdays import CSV_2027, write
from .workflow_helpers import staff_user

pytestmark = pytest.mark.django_db


def _file(received_at, **extra):
    r = make_api("integrator").post("/cases", complaint(received_at=received_at, **extra))
    assert r.status_code == 201, r.content
    return r.json()


def test_acceptance_due_2026_10_12_over_mid_autumn_and_national_day():
    data = _file("2026-09-25T16:00:00+08:00")
    (deadline,) = data["deadlines"]
    assert deadline["step"] == "acceptance" and deadline["last_day"] == "2026-10-12"
    assert deadline["due"] == "2026-10-12T23:59:59+08:00"
    assert deadline["provisional"] is False and deadline["paused"] is False and deadline["overdue"] is True
    assert data["rule_set_version"]["code"] == "R2026"


def test_r2022_applies_before_15_april_2026_with_its_45_working_day_mediation():
    data = _file("2026-04-14T10:00:00+08:00")
    assert data["rule_set"] == "R2022"
    t = data["ticket"]
    data = make_api("handler", "310115").post(f"/cases/{t}/actions/accept", {}).json()
    mediation = next(d for d in data["deadlines"] if d["step"] == "mediation")
    assert (mediation["days"], mediation["unit"], mediation["article"]) == (45, "working", "R2022 Art. 21(5)")


def test_provisional_2027_deadline_is_final_once_2027_is_loaded(tmp_path, django_capture_on_commit_callbacks,
                                                                monkeypatch):
    # The case is filed "on" 29 December 2026, a month after this suite was written.
    monkeypatch.setattr("django.utils.timezone.now",
                        lambda: dt.datetime(2026, 12, 29, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8))))
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


def test_pause_adds_the_paused_days_back_to_a_calendar_day_mediation(settings):
    data = _file("2026-11-02T09:00:00+08:00")
    t = data["ticket"]
    handler = make_api("handler", "310115")
    handler.post(f"/cases/{t}/actions/accept", {})
    handler.post(f"/cases/{t}/actions/start_mediation", {"consent_complainant": True, "consent_respondent": True,
                                                         "mode": "in_person", "mediator": "李"})
    clock = CaseDeadline.objects.get(case__ticket=t, step="mediation")
    accepted = clock.started_at
    before = clock.due
    # a 10-day testing pause, recorded as having happened
    CaseDeadline.objects.filter(pk=clock.pk).update(paused_at=accepted + dt.timedelta(days=1))
    from ombud.workflow import deadlines

    clock.refresh_from_db()
    deadlines.resume(clock, at=accepted + dt.timedelta(days=11))
    assert clock.due - before >= dt.timedelta(days=10) and clock.pauses
    data = handler.get(f"/cases/{t}").json()
    assert next(d for d in data["deadlines"] if d["step"] == "mediation")["paused"] is False


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


def test_overdue_job_covers_every_overdue_clock():
    tickets = [_file("2026-09-25T16:00:00+08:00")["ticket"] for _ in range(5)]
    assert escalate_overdue() == 5
    assert set(CaseEvent.objects.filter(action="deadline_overdue").values_list("case__ticket", flat=True)) == set(
        tickets)


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
