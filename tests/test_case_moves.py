import pytest

from ombud.cases.models import CaseEvent

from .conftest import ON_AN_R2026_DAY, complaint, make_api

pytestmark = [pytest.mark.django_db, ON_AN_R2026_DAY]


@pytest.fixture
def ticket(db):
    return make_api("integrator").post("/cases", complaint()).json()["ticket"]


def test_transfer_writes_an_event_and_moves_the_case(ticket):
    handler = make_api("handler", "310115")
    r = handler.post(f"/cases/{ticket}/actions/transfer", {"to_authority": "310104", "reason": "实际经营地在徐汇"})
    assert r.status_code == 200, r.content
    data = r.json()
    assert data["authority"]["code"] == "310104"
    ev = data["events"][-1]
    assert ev["action"] == "transferred" and ev["article"] == "R2026 Own procedure"
    assert ev["data"] == {"from_authority": "310115", "to_authority": "310104", "note": "实际经营地在徐汇"}
    # It has left Pudong's scope: for Pudong it no longer exists.
    assert handler.get(f"/cases/{ticket}").status_code == 404
    assert make_api("handler", "310104").get(f"/cases/{ticket}").status_code == 200


def test_return_goes_back_to_the_intake_unit_never_sideways(ticket):
    r = make_api("handler", "310115").post(f"/cases/{ticket}/actions/return", {"reason": "不属本部门"})
    data = r.json()
    assert data["status"] == "pending_dispatch" and data["authority"]["code"] == "100000"
    assert data["events"][-1]["article"] == "R2026 Art. 37"


def test_takeover_only_by_a_higher_authority_above_it(ticket):
    r = make_api("supervisor", "110000").post(f"/cases/{ticket}/actions/takeover",
                                               {"by_authority": "110000", "reason": "x"})
    assert r.status_code == 404  # Beijing cannot even see a Pudong case
    sh = make_api("supervisor", "310000")
    r = sh.post(f"/cases/{ticket}/actions/takeover", {"by_authority": "320000", "reason": "x"})
    assert r.status_code == 409 and r.json()["field"] == "by_authority"
    r = sh.post(f"/cases/{ticket}/actions/takeover", {"by_authority": "310000", "reason": "重大影响"})
    assert r.status_code == 200 and r.json()["authority"]["code"] == "310000"


def test_reason_is_required_and_integrators_cannot_move(ticket):
    r = make_api("handler", "310115").post(f"/cases/{ticket}/actions/transfer", {"to_authority": "310104", "reason": " "})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "reason"
    r = make_api("handler", "310115").post(f"/cases/{ticket}/actions/fly", {"reason": "x"})
    assert r.status_code == 409 and "transfer" in r.json()["allowed_actions"]
    # Another integrator cannot see the case; the one that submitted it sees it but may not move it.
    assert make_api("integrator").post(f"/cases/{ticket}/actions/return", {"reason": "x"}).status_code == 404
    submitter = make_api("integrator")
    own = submitter.post("/cases", complaint()).json()["ticket"]
    assert submitter.post(f"/cases/{own}/actions/return", {"reason": "x"}).status_code == 403


def test_events_cannot_be_changed():
    api = make_api("integrator")
    api.post("/cases", complaint())
    ev = CaseEvent.objects.first()
    ev.reason = "rewritten"
    with pytest.raises(RuntimeError):
        ev.save()
    from django.db import connection, transaction

    with pytest.raises(Exception), transaction.atomic():
        with connection.cursor() as cur:
            cur.execute("UPDATE cases_caseevent SET reason = 'x'")
