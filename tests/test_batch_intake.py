import pytest

from ombud.cases.models import Case, CaseEvent

from .conftest import ON_AN_R2026_DAY, complaint, make_api

pytestmark = [pytest.mark.django_db, ON_AN_R2026_DAY]


def test_a_batch_commits_the_good_items_and_names_the_bad_ones():
    api = make_api("integrator")
    items = [complaint(facts=f"第{i}件", idempotency_key=f"b-{i}") for i in range(5)]
    items[2]["category"] = "spaceships"
    items[3] = complaint(received_at="2099-01-01T00:00:00+08:00", idempotency_key="b-3")
    r = api.post("/cases:batch", {"cases": items})
    assert r.status_code == 200, r.content
    body = r.json()
    assert [x["status"] for x in body["results"]] == [201, 201, 422, 422, 201]
    assert body["created"] == 3 and body["failed"] == 2
    assert body["results"][2]["errors"][0]["field"] == "category"
    assert "future" in body["results"][3]["errors"][0]["message"]
    assert Case.objects.count() == 3
    # Each case got its received and routed events, routed to Pudong under R2026.
    for res in body["results"]:
        if res["status"] == 201:
            assert res["authority"] == "310115" and res["rule_set"] == "R2026"
    assert CaseEvent.objects.filter(action="routed").count() == 3
    assert CaseEvent.objects.filter(action="received").count() == 3


def test_a_retried_batch_creates_nothing_new():
    api = make_api("integrator")
    items = [complaint(facts=f"第{i}件", idempotency_key=f"r-{i}") for i in range(4)]
    first = api.post("/cases:batch", {"cases": items}).json()
    again = api.post("/cases:batch", {"cases": items}).json()
    assert [x["status"] for x in again["results"]] == [200] * 4
    assert [x["ticket"] for x in again["results"]] == [x["ticket"] for x in first["results"]]
    assert Case.objects.count() == 4


def test_same_key_twice_in_one_batch_is_one_case_and_split_items_work():
    api = make_api("integrator")
    split = complaint(report={"facts": "无证经营", "violation_type": "unlicensed"}, idempotency_key="s")
    items = [complaint(idempotency_key="dup"), complaint(idempotency_key="dup"), split]
    body = api.post("/cases:batch", {"cases": items}).json()
    assert [x["status"] for x in body["results"]] == [201, 200, 201]
    assert body["results"][0]["ticket"] == body["results"][1]["ticket"]
    assert Case.objects.count() == 3  # two complaints and the report split off the second one
    assert Case.objects.filter(kind="report", linked_case__isnull=False).count() == 1


def test_batch_size_is_limited():
    r = make_api("integrator").post("/cases:batch", {"cases": [complaint()] * 501})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "cases"
    assert Case.objects.count() == 0
