"""Security review, issue 11: bad input answers a clean 4xx naming the field (JSON on /api/), never a 500.

Findings 5 (receipts dated before every rule set), 6 (server errors on bad input), 7 (NUL bytes and odd
digits) and 9 (smaller findings). The NUL findings crash only on PostgreSQL; on SQLite the NUL was stored,
so the tests here assert the refusal itself and fail on both databases before the fix.
"""
import json

import pytest
from django.test import Client

from ombud.cases.models import Case
from ombud.intake.importers import import_file

from .conftest import ON_AN_R2026_DAY, complaint, make_api
from .workflow_helpers import signed_in

pytestmark = [pytest.mark.django_db, ON_AN_R2026_DAY]

FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def fields(response):
    assert response["Content-Type"].startswith("application/json"), response.content[:200]
    return [e["field"] for e in response.json().get("errors", [])]


def refused(response, field, status=422):
    assert response.status_code == status, response.content[:300]
    assert field in fields(response), response.json()


def not_a_server_error(response):
    assert response.status_code < 500, response.content[:300]


def filed(api, **overrides):
    r = api.post("/cases", complaint(**overrides))
    assert r.status_code == 201, r.content
    return r.json()["ticket"]


# ---------------------------------------------------------------------------------- 5. before every rule set

def test_intake_dated_before_every_rule_set_is_refused_naming_received_at(integrator):
    refused(integrator.post("/cases", complaint(received_at="1900-01-01T00:00:00+08:00")), "received_at")
    assert not Case.objects.exists()


def test_a_batch_item_dated_before_every_rule_set_gets_its_own_422():
    api = make_api("integrator")
    body = api.post("/cases:batch", {"cases": [complaint(received_at="1900-01-01T00:00:00+08:00"),
                                               complaint()]}).json()
    assert [r["status"] for r in body["results"]] == [422, 201]
    assert body["results"][0]["errors"][0]["field"] == "received_at"
    assert body["results"][1]["rule_set"] == "R2026"


def test_the_import_rejects_a_row_dated_before_every_rule_set(tmp_path):
    good = complaint(received_at="2026-06-01T09:00:00+08:00", external_id="OK")
    old = complaint(received_at="1900-01-01T09:00:00+08:00", external_id="OLD")
    path = tmp_path / "cases.jsonl"
    path.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in (good, old)) + "\n", encoding="utf-8")
    stats = import_file(path, progress=False, rejects=str(tmp_path / "rejects.csv"))
    assert (stats.imported, stats.rejected) == (1, 1)
    reason = (tmp_path / "rejects.csv").read_text(encoding="utf-8")
    assert "received_at" in reason and "rule set" in reason
    assert list(Case.objects.values_list("external_id", flat=True)) == ["OK"]


# ---------------------------------------------------------------------------------- 6. server errors

def test_a_ticket_of_full_width_digits_is_never_a_server_error(integrator):
    ticket = filed(integrator)
    wide = ticket.translate(FULL_WIDTH)
    stranger = "2612345678901".translate(FULL_WIDTH)
    handler = make_api("handler", "310115")
    for t in (wide, stranger):
        not_a_server_error(integrator.get(f"/cases/{t}"))
        not_a_server_error(handler.post(f"/cases/{t}/actions/accept", {}))
        not_a_server_error(Client().get(f"/case/{t}/"))
        not_a_server_error(Client().post("/track/", {"ticket": t, "phone": "13800138000"}))
    assert integrator.get(f"/cases/{stranger}").status_code == 404
    # Full-width digits are the same digits: the case is found.
    assert integrator.get(f"/cases/{wide}").json()["ticket"] == ticket


def test_received_at_at_the_edge_of_the_calendar_is_a_422(integrator):
    at = "0001-01-01T00:00:00+14:00"
    refused(integrator.post("/cases", complaint(received_at=at)), "received_at")
    body = integrator.post("/cases:batch", {"cases": [complaint(received_at=at)]}).json()
    assert body["results"][0]["status"] == 422 and body["results"][0]["errors"][0]["field"] == "received_at"


@pytest.mark.parametrize("params", [
    {"received_from": "0001-01-01", "received_to": "9999-12-31"},
    {"received_from": "0001-01-01T00:00:00+14:00"},
    {"received_to": "9999-12-31T23:59:59-14:00"},
    {"received_to": "9999-12-31T23:59:59"},
])
def test_listing_dates_at_the_extremes_are_never_a_server_error(integrator, params):
    r = integrator.get("/cases", **params)
    not_a_server_error(r)
    if r.status_code != 200:
        assert set(fields(r)) <= set(params)


def _deep(n=100_000):
    return "[" * n + "]" * n


def test_a_deeply_nested_body_is_refused_as_json(integrator):
    ticket = filed(integrator)
    handler = make_api("handler", "310115")
    for api, path in ((integrator, "/cases"), (integrator, "/cases:batch"),
                      (handler, f"/cases/{ticket}/actions/accept")):
        r = api.post(path, _deep())
        assert r.status_code in (400, 422), (path, r.status_code, r.content[:200])
        assert fields(r) == ["body"], path


# ---------------------------------------------------------------------------------- 7. NUL bytes, odd digits

@pytest.mark.parametrize("path,params,name", [
    ("/regions", {"q": "\x00"}, "q"),
    ("/regions", {"parent": "\x00H"}, "parent"),
    ("/businesses", {"q": "\x00"}, "q"),
    ("/cases", {"q": "a\x00"}, "q"),
    ("/cases", {"status": "a\x00"}, "status"),
    ("/cases", {"authority": "\x00"}, "authority"),
    ("/cases", {"respondent": "x\x00"}, "respondent"),
])
def test_a_nul_in_a_query_parameter_is_refused_naming_it(integrator, path, params, name):
    refused(integrator.get(path, **params), name)


def test_a_nul_in_a_page_query_is_the_400_page():
    client, _ = signed_in("h", "handler", authority="310115")
    r = client.get("/desk/", {"q": "\x00"})
    assert r.status_code == 400 and r["Content-Type"].startswith("text/html")


def test_a_desk_page_number_that_is_no_number_is_the_first_page():
    client, _ = signed_in("h", "handler", authority="310115")
    for page in ("x", "\u00b3", "0"):
        assert client.get("/desk/", {"page": page}).status_code == 200, page


def test_a_nul_in_a_submitted_text_is_refused_naming_the_field(integrator):
    refused(integrator.post("/cases", complaint(facts="冰箱不制冷\u0000")), "facts")
    refused(integrator.post("/cases", complaint(complainant={"name": "张\u0000三"})), "complainant.name")
    assert not Case.objects.exists()


def test_a_nul_in_an_action_reason_is_refused_naming_the_field(integrator):
    ticket = filed(integrator)
    r = make_api("handler", "310115").post(f"/cases/{ticket}/actions/refuse", {"ground": 6, "reason": "x\u0000"})
    refused(r, "reason")
    assert Case.objects.get(ticket=ticket).status == "received"


def test_a_nul_in_one_batch_item_fails_that_item_only():
    api = make_api("integrator")
    r = api.post("/cases:batch", {"cases": [complaint(facts="a\u0000b"), complaint(),
                                            complaint(idempotency_key="k\u0000")]})
    assert r.status_code == 200, r.content[:300]
    body = r.json()
    assert [x["status"] for x in body["results"]] == [422, 201, 422]
    assert body["results"][0]["errors"][0]["field"] == "facts"
    assert body["results"][2]["errors"][0]["field"] == "idempotency_key"
    assert Case.objects.count() == 1


@pytest.mark.parametrize("value", ["\u00b3", "\u2460", "١٢"])
def test_a_respondent_filter_of_non_ascii_digits_is_not_a_server_error(integrator, value):
    r = integrator.get("/cases", respondent=value)
    assert r.status_code == 200, r.content[:300]


def test_received_at_must_be_an_iso_string_not_a_unix_time(integrator):
    refused(integrator.post("/cases", complaint(received_at=0)), "received_at")
    refused(integrator.post("/cases", complaint(received_at="0")), "received_at")
    body = integrator.post("/cases:batch", {"cases": [complaint(received_at=1_700_000_000)]}).json()
    assert body["results"][0]["errors"][0]["field"] == "received_at"
    refused(integrator.get("/cases", received_to="0.5"), "received_to")
    refused(integrator.get("/cases", received_from="1700000000"), "received_from")
    assert not Case.objects.exists()


# ---------------------------------------------------------------------------------- 9. smaller findings

def test_a_body_too_large_answers_the_json_error_shape(integrator, settings):
    big = json.dumps(complaint(facts="x" * (5 * 1024 * 1024)))
    for path in ("/cases", "/cases:batch"):
        r = integrator.post(path, big)
        assert r.status_code in (400, 413), r.status_code
        assert fields(r) == ["body"]


def test_a_bad_purchase_date_names_the_field(integrator):
    refused(integrator.post("/cases", complaint(purchase_date="2099-01-01")), "purchase_date")
    refused(integrator.post("/cases", complaint(purchase_date="soon")), "purchase_date")


def test_answers_with_personal_data_are_not_stored_by_caches(integrator):
    created = integrator.post("/cases", complaint())
    ticket = created.json()["ticket"]
    answers = [created, integrator.get("/cases"), integrator.get(f"/cases/{ticket}"),
               integrator.get("/cases/2612345678901"), integrator.post("/cases", complaint(kind="gossip")),
               integrator.post("/cases:batch", {"cases": [complaint()]}),
               make_api("handler", "310115").post(f"/cases/{ticket}/actions/accept", {})]
    for r in answers:
        assert "no-store" in r.get("Cache-Control", ""), (r.status_code, r.get("Cache-Control"))
