"""Issue 11, finding 2: what each audience reads of a case's events (cases.disclosure_to_parties.EVENT_TOLD).

A case carries planted internal text: a handler's note on acceptance, a violation finding, notes on a pause, a
staff username (assigned, mediator), an API key's name (the actor of a step), a respondent's database id in an
event's data, a report's filing notes and an extension approved by a named supervisor. The complainant (public
tracking with the phone, or their own account and page) and the business (its API key and its page) read what
happened, when, the article and the reasons addressed to them (a refusal's or termination's grounds); staff read
everything."""
import json

import pytest

from ombud.cases.models import Case, CaseEvent
from ombud.cases.services import event
from ombud.correspondence.services import post_message
from ombud.intake.services import Actor
from ombud.workflow.services import assign

from .conftest import ON_AN_R2026_DAY, Api, complaint, make_api
from .workflow_helpers import USCC, consumer, odr_business, signed_in

pytestmark = [pytest.mark.django_db, ON_AN_R2026_DAY]

PHONE = "13800138000"
RESPONDENT = {"name": "上海浦东鸿运家电销售有限公司", "uscc": USCC, "address": "上海市浦东新区张江路100号"}
# Planted internal text: none of it may reach the complainant or the business.
NOTE = "INTERNAL-NOTE-疑似职业索赔人"
FINDING = "VIOLATION-FINDING-无3C认证"
PAUSE_NOTE = "PAUSE-NOTE-送检内部备注"
RESUME_NOTE = "RESUME-NOTE-内部"
HANDLER = "handler_zhang_secret"
KEY = "key-zhang-secret"
UNKNOWN = "UNKNOWN-ACTION-REASON-内部"
REF = "REF-SECRET-42"
SERVE_NOTE = "SERVE-NOTE-内部"
CLOSE_NOTE = "CLOSE-NOTE-内部"
VISIT_NOTE = "VISIT-NOTE-回访内部记录"
INTERNAL = (NOTE, FINDING, PAUSE_NOTE, RESUME_NOTE, HANDLER, KEY, UNKNOWN, REF, SERVE_NOTE, CLOSE_NOTE, VISIT_NOTE)
MEDIATOR = "李调解"  # named to both parties in the mediation notice
# Addressed to the parties: the termination's reason goes to both, the refusal's to the complainant.
TERMINATION = "TERMINATION-REASON-被投诉人拒绝调解"
REFUSAL = "REFUSAL-REASON-不属于本部门管辖"
# A report: the reporter learns the result, never the findings or who approved what.
FILING_NOTE = "REPORT-FILING-NOTE-线索可靠"
EXTENSION = "REPORT-EXTENSION-需要补充调查"
SUPERVISOR = "supervisor_li_secret"
ROLES = {"complainant", "business", "authority", "system"}


def _session_api(client):
    api = Api()
    api.client = client
    return api


@pytest.fixture
def world(db):
    business = odr_business()
    me = consumer(username="me_consumer")  # files through its own account; pages in English
    h_client, h_user = signed_in(HANDLER, "handler", authority="310115")
    s_client, _s = signed_in(SUPERVISOR, "supervisor", authority="310115")
    firm_page, _f = signed_in("firm", "business", business=business)
    return {"business": business, "me": me, "handler_page": h_client, "handler_user": h_user,
            "handler": _session_api(h_client), "supervisor": _session_api(s_client),
            "key": make_api("handler", "310115", name=KEY), "firm_api": make_api("business", business=USCC),
            "firm_page": firm_page}


def _ok(response):
    assert response.status_code == 200, response.content.decode()
    return response.json()


@pytest.fixture
def mediated(world):
    """A complaint accepted with an internal note, mediated, flagged, paused, terminated, closed and called back,
    with a planted event and a message to the bureau."""
    me, h, key = world["me"], world["handler"], world["key"]
    r = me.post("/cases", complaint(respondent=RESPONDENT))
    assert r.status_code == 201, r.content
    t = r.json()["ticket"]
    assign(ticket=t, handler_username=HANDLER, actor=Actor(role="supervisor", user=world["handler_user"]))
    _ok(h.post(f"/cases/{t}/actions/accept", {"notes": NOTE}))
    _ok(key.post(f"/cases/{t}/actions/start_mediation", {"consent_complainant": True, "consent_respondent": True,
                                                         "mode": "remote", "mediator": MEDIATOR}))
    _ok(h.post(f"/cases/{t}/actions/flag_violation", {"finding": FINDING}))
    _ok(key.post(f"/cases/{t}/actions/pause", {"reason": "testing", "notes": PAUSE_NOTE}))
    _ok(key.post(f"/cases/{t}/actions/resume", {"notes": RESUME_NOTE}))
    _ok(h.post(f"/cases/{t}/actions/terminate", {"ground": 2, "reason": TERMINATION}))
    _ok(h.post(f"/cases/{t}/actions/serve_termination", {"method": "sms", "notes": SERVE_NOTE}))
    _ok(h.post(f"/cases/{t}/actions/close", {"notes": CLOSE_NOTE}))
    _ok(key.post(f"/cases/{t}/actions/return_visit", {"reached": True, "satisfied": False, "notes": VISIT_NOTE}))
    case = Case.objects.get(ticket=t)
    # An action the table does not know, carrying internal ids: the conservative default applies.
    CaseEvent.objects.bulk_create([event(case, action="desk_review", actor=world["handler_user"], reason=UNKNOWN,
                                         data={"respondent_id": world["business"].pk, "ref": REF})])
    post_message(case=case, actor=Actor(role="consumer", user=case.submitted_by_user),  # its data names the message's id
                 body="我什么时候能收到调解结果？", audience="consumer_staff")
    return t


@pytest.fixture
def refused(world):
    r = world["me"].post("/cases", complaint(respondent=RESPONDENT))
    assert r.status_code == 201, r.content
    t = r.json()["ticket"]
    _ok(world["key"].post(f"/cases/{t}/actions/refuse", {"ground": 6, "reason": REFUSAL}))
    return t


def _events(data):
    return {e["action"]: e for e in data["events"]}


def _assert_nothing_internal(text):
    for planted in INTERNAL:
        assert planted not in text, planted


def _assert_party_events(data):
    """What every party reads of the mediated case's events in the API."""
    _assert_nothing_internal(json.dumps(data, ensure_ascii=False))
    events = _events(data)
    assert {e["actor"] for e in data["events"]} <= ROLES
    assert all(e["actor_text"] and e["actor_text"] not in (HANDLER, f"api:{KEY}") for e in data["events"])
    assert events["accepted"]["reason"] == "" and set(events["accepted"]["data"]) == {"mediation_due"}
    assert events["accepted"]["actor"] == "authority" and events["accepted"]["article"] == "R2026 Art. 15"
    assert events["mediation_started"]["actor"] == "authority"
    assert events["mediation_started"]["data"]["mediator"] == MEDIATOR
    assert events["termination_served"]["data"] == {"method": "sms"} and events["closed"]["reason"] == ""
    assert events["clock_paused"]["data"] == {"step": "mediation", "paused_for": "testing"}
    assert events["clock_paused"]["reason"] == "" and events["clock_resumed"]["reason"] == ""
    assert events["assigned"]["reason"] == "" and events["assigned"]["data"] == {}
    assert events["desk_review"]["reason"] == "" and events["desk_review"]["data"] == {}  # unknown: nothing
    terminated = events["mediation_terminated"]
    assert terminated["reason"] == TERMINATION and terminated["article"] == "R2026 Art. 23(1)(2)"
    assert terminated["data"]["ground"] == 2 and terminated["data"]["note"] == TERMINATION
    assert events["received"]["actor"] == "complainant"


def _assert_complainant_told(data):
    """What the complainant alone reads besides: the return visit's answers, not the handler's notes on it."""
    assert _events(data)["return_visit_made"]["data"] == {"reached": True, "satisfied": False}
    assert set(data["procedure"]["return_visit"]) == {"reached", "satisfied", "at"}


def test_public_tracking_with_the_phone_reads_no_internal_note(world, mediated, refused):
    public = Api()
    data = _ok(public.get(f"/cases/{mediated}", phone=PHONE))
    _assert_party_events(data)
    _assert_complainant_told(data)
    events = _events(data)
    assert events["violation_flagged"]["reason"] == "" and events["violation_flagged"]["data"] == {}
    assert "message" not in events["message_posted"]["data"]  # the message's database id
    assert events["message_posted"]["data"]["audience"] == "consumer_staff"
    # The refusal's grounds are told to the complainant (Implementing Regulations Art. 46).
    refusal = _events(_ok(public.get(f"/cases/{refused}", phone=PHONE)))["refused"]
    assert refusal["reason"] == REFUSAL and refusal["data"]["ground"] == 6 and refusal["actor"] == "authority"
    assert refusal["article"] == "R2026 Art. 16(6)"


def test_the_consumers_own_account_and_page_read_the_same(world, mediated, refused):
    me = world["me"]
    data = _ok(me.get(f"/cases/{mediated}"))
    _assert_party_events(data)
    _assert_complainant_told(data)
    assert _events(data)["received"]["actor_text"] == "the complainant"  # the consumer reads English
    response = me.client.get(f"/case/{mediated}/")
    page = response.content.decode()
    _assert_nothing_internal(page)
    assert TERMINATION in page  # the grounds addressed to them, with the article
    rows = {e["action"]: e for e in response.context["timeline"]}  # nor is it in what the template is given
    assert rows["desk_review"]["data"] == {} and set(rows["accepted"]["data"]) == {"mediation_due"}
    assert REFUSAL in me.client.get(f"/case/{refused}/").content.decode()


def test_the_business_reads_the_grounds_addressed_to_it_and_nothing_internal(world, mediated, refused):
    api, page = world["firm_api"], world["firm_page"]
    data = _ok(api.get(f"/cases/{mediated}"))
    _assert_party_events(data)
    assert PHONE not in json.dumps(data) and "message_posted" not in _events(data)  # a note to the bureau only
    assert _events(data)["return_visit_made"]["data"] == {} and set(data["procedure"]) == {"mediation"}
    response = page.get(f"/business/case/{mediated}/")
    html = response.content.decode()
    _assert_nothing_internal(html)
    assert TERMINATION in html
    assert all(set(e["data"]) <= {"mediation_due", "ground", "ground_text", "note", "mode", "mediator", "consent_complainant",
                                  "consent_respondent", "step", "paused_for", "due", "scheduled_at", "place", "bring",
                                  "delegated_to", "authority", "method"} for e in response.context["timeline"])
    # The refusal is the complainant's: the business learns that it happened, not why.
    refusal = _events(_ok(api.get(f"/cases/{refused}")))["refused"]
    assert refusal["reason"] == "" and refusal["data"] == {} and refusal["article"] == "R2026 Art. 16(6)"
    assert REFUSAL not in page.get(f"/business/case/{refused}/").content.decode()


def test_staff_read_everything(world, mediated):
    data = _ok(world["key"].get(f"/cases/{mediated}"))
    events = _events(data)
    assert events["accepted"]["reason"] == NOTE and events["accepted"]["data"]["note"] == NOTE
    assert events["accepted"]["actor"] == HANDLER and events["assigned"]["reason"] == HANDLER
    assert events["violation_flagged"]["reason"] == FINDING
    assert events["mediation_started"]["actor"] == f"api:{KEY}" and KEY in events["mediation_started"]["actor_text"]
    assert events["return_visit_made"]["reason"] == VISIT_NOTE and data["procedure"]["return_visit"]["notes"] == VISIT_NOTE
    assert events["desk_review"]["data"] == {"respondent_id": world["business"].pk, "ref": REF}
    assert events["clock_paused"]["reason"].endswith(PAUSE_NOTE)
    html = world["handler_page"].get(f"/desk/case/{mediated}/").content.decode()
    assert NOTE in html and FINDING in html and PAUSE_NOTE in html


def test_a_reporter_learns_the_result_not_the_findings_nor_who_approved(world):
    me, h, sup = world["me"], world["handler"], world["supervisor"]
    body = complaint(kind="report", respondent=RESPONDENT, facts="销售不合格冰箱", violation_type="product_quality",
                     conduct_address="上海市浦东新区张江路100号", request="")
    r = me.post("/cases", body)
    assert r.status_code == 201, r.content
    t = r.json()["ticket"]
    _ok(h.post(f"/cases/{t}/actions/file_case", {"case_number": "沪浦市监立〔2026〕88号", "notes": FILING_NOTE}))
    _ok(sup.post(f"/cases/{t}/actions/extend_case_decision", {"reason": EXTENSION}))
    staff = _events(_ok(h.get(f"/cases/{t}")))
    assert staff["case_filed"]["reason"] == FILING_NOTE
    assert staff["case_decision_extended"]["data"]["approved_by"] == SUPERVISOR
    for seen in (_ok(Api().get(f"/cases/{t}", phone=PHONE)), _ok(me.get(f"/cases/{t}"))):
        text = json.dumps(seen, ensure_ascii=False)
        assert FILING_NOTE not in text and EXTENSION not in text and SUPERVISOR not in text and HANDLER not in text
        events = _events(seen)
        assert events["case_filed"]["reason"] == "" and events["case_filed"]["data"] == {}
        assert set(events["case_decision_extended"]["data"]) == {"step", "extension_days", "due"}
    page = me.client.get(f"/case/{t}/").content.decode()
    assert FILING_NOTE not in page and EXTENSION not in page and SUPERVISOR not in page
