"""No complainant's or reporter's identity in any public output (issue 10): the parties' names, phones and
ID numbers are planted in a complaint (which the complainant agreed to publish) and in a report, the
complaint's account is queued, scrubbed and approved, and every public page and answer is searched."""
import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from ombud.analytics import store
from ombud.cases.models import Case
from ombud.disclosure import services
from ombud.disclosure.models import Narrative, PublicationRule
from ombud.intake.services import Actor

from .conftest import complaint, frozen, make_api
from .workflow_helpers import signed_in

pytestmark = pytest.mark.django_db
ID_NUMBER = "11010519491231002X"
PLANTED = ("欧阳明月", "13912345678", ID_NUMBER, "司马举报", "13698765432", "110105194912310037")


@frozen(2026, 11, 16, 10)
def test_no_party_appears_in_any_public_page_or_answer(settings, tmp_path):
    PublicationRule.objects.get_or_create(version=1, defaults={
        "kinds": ["complaint"], "statuses": ["closed", "refused"], "delay_days": 7,
        "fields": ["respondent", "response", "narrative"]})
    api = make_api("integrator")
    facts = f"我是欧阳明月，电话13912345678，身份证{ID_NUMBER}。冰箱不制冷，商家拒绝退货。"
    ticket = api.post("/cases", complaint(facts=facts, consent_disclosure=True, complainant={
        "name": "欧阳明月", "phone": "13912345678", "id_number": ID_NUMBER})).json()["ticket"]
    api.post("/cases", complaint(kind="report", violation_type="unlicensed", facts="司马举报，电话13698765432，"
                                 "身份证110105194912310037，举报无照经营。",
                                 complainant={"name": "司马举报", "phone": "13698765432"}))
    Case.objects.filter(ticket=ticket).update(status="closed", closed_at=timezone.now() - dt.timedelta(days=10),
                                              public_response="已退货。")
    case = Case.objects.get(ticket=ticket)
    assert services.queue_finished() == 1
    _, user = signed_in("pudong", "handler", authority="310115")
    narrative = Narrative.objects.get(case=case)
    services.approve_narrative(narrative=narrative, actor=Actor(role="handler", user=user,
                                                                authority=user.profile.authority),
                               text=narrative.scrubbed)
    settings.OMBUD_ANALYTICS_DIR = tmp_path / "store"
    store.refresh(full=True)
    assert services.publish_due().total == 1  # the open complaint database holds the complaint, not the report

    business = case.respondent
    today = timezone.localdate()
    period = {"from": str(today - dt.timedelta(days=30)), "to": str(today)}
    outputs = []
    for language in ("zh-hans", "en"):
        client = Client(headers={"Accept-Language": language})
        for url, params in (("/", {}), ("/businesses/", {"q": "鸿运"}), (f"/businesses/{business.pk}/", period),
                            ("/businesses/suggest", {"respondent_name": "鸿运"}), ("/commitments/", {}),
                            ("/commitments/", {"q": "鸿运"}), ("/warnings/", {}), ("/complaints/", {}),
                            ("/complaints/", {"search_term": "冰箱", "lens": "company"}), ("/hotspots/", {}),
                            (f"/businesses/{business.pk}/credit/", {}),
                            ("/api/v1/public/complaints", {}), ("/api/v1/public/complaints", {"search_term": "欧阳"}),
                            ("/api/v1/public/complaints/trends", {"lens": "company", "sub_lens": "issue"}),
                            (f"/api/v1/public/complaints/{case.pk}", {})):
            r = client.get(url, params)
            assert r.status_code == 200, (url, r.status_code)
            outputs.append((url, r.content.decode()))
        for params in ({"format": "csv"}, {"format": "json"}, {"format": "csv", "layout": "cfpb"}):
            r = client.get("/api/v1/public/complaints/export", params)
            assert r.status_code == 200, (params, r.status_code)
            outputs.append((f"export {params}", b"".join(r.streaming_content).decode("utf-8-sig")))
    outputs.append(("the approved account", narrative.__class__.objects.get(pk=narrative.pk).text))
    assert any("已退货。" in html for _, html in outputs)  # the public answer is out, so the page was reached
    assert sum("冰箱不制冷" in text for where, text in outputs if "export" in where) == 6  # in each export, in both languages
    for where, text in outputs:
        for planted in PLANTED:
            assert planted not in text, (where, planted)
