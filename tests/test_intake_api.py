import json
import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from ombud.businesses import uscc
from ombud.cases.models import Case, CaseEvent
from ombud.cases.tickets import normalize

from .conftest import ON_AN_R2026_DAY, Api, complaint, make_api

pytestmark = [pytest.mark.django_db, ON_AN_R2026_DAY]


def test_complaint_against_pudong_business_is_routed_to_310115(public_api):
    r = public_api.post("/cases", complaint(), headers={"Idempotency-Key": "k-1"})
    assert r.status_code == 201, r.content
    body = r.json()
    assert normalize(body["ticket"]) == body["ticket"]
    assert body["authority"] == {"code": "310115", "name": "上海市浦东新区市场监督管理局"}
    assert body["rule_set"] == "R2026"
    routed = [e for e in body["events"] if e["action"] == "routed"]
    assert len(routed) == 1 and routed[0]["article"].startswith("R2026 Art.")
    assert routed[0]["authority"] == "310115"

    again = public_api.post("/cases", complaint(), headers={"Idempotency-Key": "k-1"})
    assert again.status_code == 200 and again.json()["ticket"] == body["ticket"]
    assert Case.objects.count() == 1


def test_same_key_with_a_different_body_is_refused(public_api):
    assert public_api.post("/cases", complaint(), headers={"Idempotency-Key": "k-2"}).status_code == 201
    r = public_api.post("/cases", complaint(facts="另一件事"), headers={"Idempotency-Key": "k-2"})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "Idempotency-Key"


def test_every_field_at_fault_is_named_and_nothing_is_saved(public_api):
    bad_code = uscc.make("91310115MA1K4ABCD")[:17] + "0"
    body = complaint(amount="lots", category="spaceships", facts="x" * 10001, purchase_date="2026-13-01")
    body["respondent"] = {"name": "某公司", "uscc": bad_code}
    body["complainant"] = {"name": "张三", "region_code": "999999", "phone": 12345}
    r = public_api.post("/cases", body)
    assert r.status_code == 422
    fields = {e["field"]: e["message"] for e in r.json()["errors"]}
    assert {"amount", "category", "facts", "purchase_date", "respondent.uscc", "complainant.region_code",
            "complainant.phone"} <= set(fields)
    assert "expects" in fields["respondent.uscc"]
    assert "999999" in fields["complainant.region_code"]
    assert Case.objects.count() == 0


@pytest.mark.parametrize("raw", ["{not json", "[1, 2]", "", "null", '{"kind": "petition"}',
                                 '{"kind": "complaint", "unknown_field": 1}', b"\xff\xfe"])
def test_malformed_requests_get_422_never_500(public_api, raw):
    r = public_api.post("/cases", raw)
    assert r.status_code == 422
    assert r.json()["errors"]


def test_incomplete_complaint_is_kept_and_flagged(public_api):
    body = complaint(facts="", complainant={"name": "李四"})
    r = public_api.post("/cases", body)
    assert r.status_code == 201
    data = r.json()
    assert data["incomplete"] is True
    assert set(data["missing_fields"]) == {"facts", "complainant.phone", "complainant.address"}
    received = next(e for e in data["events"] if e["action"] == "received")
    assert received["article"] == "R2026 Art. 9"


def test_public_cannot_backdate_but_an_integrator_can(public_api, integrator):
    old = "2026-03-02T10:00:00+08:00"
    r = public_api.post("/cases", complaint(received_at=old)).json()
    assert not r["received_at"].startswith("2026-03-02") and r["rule_set"] == "R2026"
    r = integrator.post("/cases", complaint(received_at=old, channel="letter")).json()
    assert r["received_at"].startswith("2026-03-02") and r["rule_set"] == "R2022"
    assert r["events"][-1]["article"].startswith("R2022 Art.")


def test_only_reports_may_be_anonymous(public_api):
    r = public_api.post("/cases", complaint(anonymous=True))
    assert r.status_code == 422
    report = {"kind": "report", "anonymous": True, "complainant": {"name": "王五", "phone": "13900000000"},
              "respondent": {"name": "杭州某食品厂"}, "conduct_address": "浙江省杭州市西湖区文三路1号",
              "violation_type": "food_safety", "facts": "生产车间卫生条件极差"}
    r = public_api.post("/cases", report)
    assert r.status_code == 201
    case = Case.objects.get(ticket=r.json()["ticket"])
    assert case.anonymous and case.complainant_name == "" and case.complainant_phone == ""
    assert case.authority.code == "330106"


def test_complaint_with_a_report_part_is_split_into_linked_cases(public_api):
    body = complaint(report={"facts": "该店销售无3C认证的电器", "violation_type": "product_quality"})
    r = public_api.post("/cases", body)
    assert r.status_code == 201
    data = r.json()
    report = Case.objects.get(ticket=data["linked_ticket"])
    assert report.kind == "report" and report.linked_case.ticket == data["ticket"]
    assert report.authority.code == "310115"
    split = CaseEvent.objects.filter(action="split")
    assert split.count() == 2 and {e.article for e in split} == {""}  # R2026 Art. 7 is channels: not known yet


def test_attachments_are_checked_by_content(public_api):
    pdf = SimpleUploadedFile("invoice.pdf", b"%PDF-1.4\n%test\n", content_type="application/pdf")
    exe = SimpleUploadedFile("photo.jpg", b"MZ\x90\x00\x03\x00\x00\x00\xff\xff", content_type="image/jpeg")
    r = public_api.client.post("/api/v1/cases", {"payload": json.dumps(complaint()), "attachments": [pdf, exe]})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "attachments.1"
    assert Case.objects.count() == 0
    pdf.seek(0)
    r = public_api.client.post("/api/v1/cases", {"payload": json.dumps(complaint()), "attachments": [pdf]})
    assert r.status_code == 201
    assert r.json()["attachments"][0]["content_type"] == "application/pdf"


def test_bad_bearer_key_is_401(db):
    r = Api("omb_nope_nope").post("/cases", complaint())
    assert r.status_code == 401


@pytest.mark.django_db(transaction=True)
def test_simultaneous_retries_create_exactly_one_case():
    api = make_api("integrator")
    results, barrier = [], threading.Barrier(4)

    def send():
        try:
            barrier.wait()
            r = api.post("/cases", complaint(), headers={"Idempotency-Key": "race-1"})
            results.append((r.status_code, r.json()["ticket"]))
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert Case.objects.count() == 1
    assert sorted(code for code, _ in results) == [200, 200, 200, 201]
    assert len({ticket for _, ticket in results}) == 1


def test_an_agent_without_power_of_attorney_flags_the_complaint(public_api):
    body = complaint(agent={"name": "赵律师", "phone": "13700000000"},
                     joint_complainants=[{"name": "钱一", "representative": True}, {"name": "孙二"}])
    data = public_api.post("/cases", body).json()
    assert data["incomplete"] and data["missing_fields"] == ["agent.power_of_attorney"]
    assert len(data["joint_complainants"]) == 2
    body["agent"]["power_of_attorney"] = True
    assert public_api.post("/cases", body).json()["incomplete"] is False
