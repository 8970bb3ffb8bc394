"""The open complaint database (issue 10, part 3): publication by the rule, filters and their negation,
full-text search in Chinese and English with highlights, counts per filter value, trends, streamed exports
(CFPB's layout round-trips through `ombud import`), `_meta`, and per-client throttling."""
import csv
import datetime as dt
import io
import json

import pytest
from django.test import Client
from django.utils import timezone

from ombud.cases.models import Case
from ombud.disclosure import services
from ombud.disclosure.models import (
    Narrative,
    NarrativeStatus,
    PublicationRule,
    PublishedComplaint,
)
from ombud.workflow.models import CaseDeadline

from .conftest import CST, complaint, frozen, make_api

pytestmark = pytest.mark.django_db
NOW = frozen(2026, 11, 16, 10)
PUDONG = {"name": "上海浦东鸿运家电销售有限公司", "address": "上海市浦东新区张江路100号"}
CHAOYANG = {"name": "北京朝阳快捷物流有限公司", "address": "北京市朝阳区建国路88号"}
SECRET_NAME, SECRET_PHONE, SECRET_ID = "赵秘密", "13900001111", "11010519491231002X"


def _case(api, *, received, closed=None, status="closed", outcome="agreement", account="", respondent=PUDONG,
          timely=True, rating=None, response="", kind="complaint", **extra):
    body = complaint(kind=kind, respondent=respondent, received_at=received.isoformat(),
                     purchase_date=str(received.date() - dt.timedelta(days=20)),
                     complainant={"name": SECRET_NAME, "phone": SECRET_PHONE, "id_number": SECRET_ID,
                                  "address": "上海市徐汇区漕溪北路1号"},
                     facts=f"{SECRET_NAME}（{SECRET_PHONE}）投诉：{account}", **extra)
    if kind == "report":
        body["violation_type"] = "unlicensed"
    r = api.post("/cases", body)
    assert r.status_code in (200, 201), r.content
    case = Case.objects.get(ticket=r.json()["ticket"])
    if closed:
        Case.objects.filter(pk=case.pk).update(status=status, outcome=outcome, closed_at=closed,
                                               rating_handling=rating, public_response=response)
        CaseDeadline.objects.filter(case=case, step="acceptance").update(
            met_at=(received + dt.timedelta(days=2 if timely else 30)))
    if account:
        Narrative.objects.create(case=case, status=NarrativeStatus.APPROVED, scrubbed=account, text=account,
                                 queued_at=received)
    return Case.objects.get(pk=case.pk)


def at(y, m, d):
    return dt.datetime(y, m, d, 10, tzinfo=CST)


def rule_v1():
    """Publication rule version 1 as its migration seeds it (a browser test's flush removes it)."""
    import importlib

    v1 = importlib.import_module("ombud.disclosure.migrations.0002_rule_v1_and_append_only_events").V1
    return PublicationRule.objects.get_or_create(version=1, defaults=v1)[0]


@pytest.fixture
def world(settings):
    settings.OMBUD_RATE_LIMITS = False
    rule_v1()
    api = make_api("integrator")
    c = {
        "fridge": _case(api, received=at(2026, 9, 1), closed=at(2026, 9, 20), account="冰箱不制冷，商家拒绝退款。",
                        rating=5, response="已为消费者办理退款。", channel="app"),
        "phone": _case(api, received=at(2026, 9, 15), closed=at(2026, 10, 1), outcome="terminated",
                       account="The phone screen cracked and the shop refused a refund.", timely=False,
                       category="communication", issue_type="after_sales", channel="hotline"),
        "parcel": _case(api, received=at(2026, 10, 2), closed=at(2026, 10, 20), respondent=CHAOYANG,
                        account="快递丢件，客服不理睬。", category="postal_express", issue_type="contract",
                        channel="web"),
        "refused": _case(api, received=at(2026, 10, 5), closed=at(2026, 10, 8), status="refused",
                         outcome="refused"),
        "recent": _case(api, received=at(2026, 11, 1), closed=at(2026, 11, 14)),  # finished 2 days ago
        "old": _case(api, received=at(2023, 1, 5), closed=at(2023, 2, 1)),  # public for 3 years: over
        "open": _case(api, received=at(2026, 11, 10)),
        "report": _case(api, received=at(2026, 9, 2), closed=at(2026, 9, 30), kind="report"),
    }
    return c


def _get(path, **params):
    return Client().get("/api/v1" + path, params)


@NOW
def test_publication_follows_the_rule_and_never_carries_identity(world):
    run = services.publish_due()
    ids = set(PublishedComplaint.objects.values_list("id", flat=True))
    assert ids == {world[k].pk for k in ("fridge", "phone", "parcel", "refused")}
    assert (run.added, run.total) == (4, 4)
    row = PublishedComplaint.objects.get(pk=world["fridge"].pk)
    assert row.narrative == "冰箱不制冷，商家拒绝退款。" and row.response == "已为消费者办理退款。"
    assert row.timely is True and PublishedComplaint.objects.get(pk=world["phone"].pk).timely is False
    assert row.province == "31" and row.county == "310115"
    for r in PublishedComplaint.objects.values():
        flat = json.dumps(r, default=str, ensure_ascii=False)
        for secret in (SECRET_NAME, SECRET_PHONE, SECRET_ID, world["fridge"].ticket):
            assert secret not in flat


@NOW
def test_a_pass_publishes_what_became_due_refreshes_changes_and_takes_down_withdrawn_accounts(world):
    from ombud.cases.services import respond_publicly

    services.publish_due()
    again = services.publish_due()
    assert (again.added, again.updated, again.removed) == (0, 0, 0)
    # the 'recent' case becomes due a week after it finished
    later = services.publish_due(now=at(2026, 11, 22))
    assert later.added == 1 and PublishedComplaint.objects.filter(pk=world["recent"].pk).exists()
    # a case event (the business's public response) refreshes the row at the next pass
    from ombud.core.auth import Actor

    business = world["refused"].respondent
    respond_publicly(case=world["refused"], actor=Actor(role="business", business=business),
                     text="我们已主动联系消费者。")
    changed = services.publish_due(now=at(2026, 11, 22))
    assert changed.updated >= 1
    assert PublishedComplaint.objects.get(pk=world["refused"].pk).response == "我们已主动联系消费者。"
    # withdrawal takes the account down at once, not at the next pass
    n = Narrative.objects.get(case=world["fridge"])
    Narrative.objects.filter(pk=n.pk).update(status=NarrativeStatus.WITHDRAWN)
    services.republish(case_ids=[world["fridge"].pk])
    row = PublishedComplaint.objects.get(pk=world["fridge"].pk)
    assert row.narrative == "" and not row.has_narrative
    assert _get("/public/complaints", search_term="冰箱").json()["total"] == 0


@NOW
def test_a_new_rule_version_republishes_with_its_fields(world):
    services.publish_due()
    PublicationRule.objects.create(version=2, kinds=["complaint"], statuses=["closed"], delay_days=7,
                                   public_years=3, fields=["received", "category", "issue"], narratives=False)
    run = services.publish_due()
    assert run.rule_version == 2
    rows = PublishedComplaint.objects.all()
    assert {r.id for r in rows} == {world[k].pk for k in ("fridge", "phone", "parcel")}  # refused: not listed
    assert all(r.respondent == "" and r.narrative == "" and r.response == "" for r in rows)


@NOW
def test_filters_each_negated(world):
    services.publish_due()
    pk = {k: world[k].pk for k in world}

    def ids(**params):
        r = _get("/public/complaints", **params)
        assert r.status_code == 200, r.content
        return {h["complaint_id"] for h in r.json()["hits"]}

    assert ids(region="310000") == {pk["fridge"], pk["phone"], pk["refused"]}
    assert ids(not_region="310115") == {pk["parcel"]}
    assert ids(category="postal_express") == {pk["parcel"]}
    assert ids(not_category="household_electronics") == {pk["phone"], pk["parcel"]}
    assert ids(issue="after_sales", channel="hotline") == {pk["phone"]}
    assert ids(not_channel=["app", "hotline"]) == {pk["parcel"]}
    assert ids(outcome="refused") == {pk["refused"]}
    assert ids(not_outcome="refused") == {pk["fridge"], pk["phone"], pk["parcel"]}
    assert ids(timely="no") == {pk["phone"]}
    assert ids(not_timely="no") == {pk["fridge"], pk["parcel"], pk["refused"]}
    assert ids(has_narrative="yes") == {pk["fridge"], pk["phone"], pk["parcel"]}
    assert ids(not_has_narrative="yes") == {pk["refused"]}
    assert ids(rated="yes") == {pk["fridge"]}
    assert ids(not_rated="yes") == {pk["phone"], pk["parcel"], pk["refused"]}
    assert ids(company=CHAOYANG["name"]) == {pk["parcel"]}
    assert ids(not_company=CHAOYANG["name"]) == {pk["fridge"], pk["phone"], pk["refused"]}
    assert ids(date_received_min="2026-09-10", date_received_max="2026-10-03") == {pk["phone"], pk["parcel"]}
    assert ids(date_received_min="2026-09-10", date_received_max="2026-10-03", not_date_received="true") == {
        pk["fridge"], pk["refused"]}


@NOW
def test_bad_parameters_get_specific_errors(world):
    r = _get("/public/complaints", date_received_min="15/03/2026", category="nonsense", timely="maybe",
             region="999999", size="500", sort="random")
    assert r.status_code == 400
    fields = {e["field"]: e["message"] for e in r.json()["errors"]}
    assert set(fields) == {"date_received_min", "category", "timely", "region", "size", "sort"}
    assert "YYYY-MM-DD" in fields["date_received_min"] and "household_electronics" in fields["category"]
    r = _get("/public/complaints", category="food", not_category="food")
    assert r.status_code == 400 and "not both" in r.json()["errors"][0]["message"]
    odd = _get("/public/complaints", size="³", frm="①", region="３１")  # digits Python reads but int() does not
    assert odd.status_code == 400 and {e["field"] for e in odd.json()["errors"]} == {"size", "frm", "region"}
    assert _get("/public/complaints/trends", trend_depth="²").status_code == 400
    r = _get("/public/complaints/trends", lens="company", sub_lens="company", trend_interval="hour")
    assert {e["field"] for e in r.json()["errors"]} == {"sub_lens", "trend_interval"}


@NOW
def test_full_text_search_in_chinese_and_english_with_highlights_and_exclusion(world):
    services.publish_due()
    body = _get("/public/complaints", search_term="退款").json()
    assert {h["complaint_id"] for h in body["hits"]} == {world["fridge"].pk}
    assert "<mark>退款</mark>" in body["hits"][0]["highlight"]["narrative"][0]
    assert "<mark>退款</mark>" in body["hits"][0]["highlight"]["response"][0]
    english = _get("/public/complaints", search_term="REFUND screen").json()
    assert [h["complaint_id"] for h in english["hits"]] == [world["phone"].pk]
    assert "<mark>refund</mark>" in english["hits"][0]["highlight"]["narrative"][0]
    # a word with a leading minus excludes; a phrase is cut into words that must all occur
    assert _get("/public/complaints", search_term="商家 -冰箱").json()["total"] == 0
    assert _get("/public/complaints", search_term="客服不理睬").json()["total"] == 1
    assert _get("/public/complaints", search_term="-快递").json()["total"] == 3
    assert _get("/public/complaints", search_term="洗衣机").json()["total"] == 0


@NOW
def test_aggregations_count_each_value_under_the_other_filters(world):
    services.publish_due()
    body = _get("/public/complaints", category="household_electronics").json()
    aggs = body["aggregations"]
    # the category facet ignores its own filter, so the visitor sees the other categories' counts too
    cats = {b["key"]: b["count"] for b in aggs["category"]}
    assert cats == {"household_electronics": 2, "communication": 1, "postal_express": 1}
    outcomes = {b["key"]: b["count"] for b in aggs["outcome"]}
    assert outcomes == {"agreement": 1, "refused": 1}  # under the category filter
    assert {b["key"]: b["count"] for b in aggs["rated"]} == {"yes": 1, "no": 1}
    assert aggs["region"][0]["label"]  # a region's name, not only its code
    assert "aggregations" not in _get("/public/complaints", no_aggs="true").json()


@NOW
def test_trends_by_lens_sub_lens_and_interval(world):
    services.publish_due()
    body = _get("/public/complaints/trends", trend_interval="month").json()
    assert [(p["date"], p["count"]) for p in body["overview"]] == [("2026-09-01", 2), ("2026-10-01", 2)]
    body = _get("/public/complaints/trends", lens="category", sub_lens="issue", trend_interval="quarter").json()
    top = body["buckets"][0]
    assert top["key"] == "household_electronics" and top["count"] == 2
    assert top["series"] == [{"date": "2026-07-01", "count": 1}, {"date": "2026-10-01", "count": 1}]
    assert {s["key"] for s in top["sub"]} == {"quality"}
    weekly = _get("/public/complaints/trends", lens="region", trend_interval="week").json()
    assert {b["key"]: b["count"] for b in weekly["buckets"]} == {"31": 3, "11": 1}
    assert all(dt.date.fromisoformat(p["date"]).weekday() == 0 for p in weekly["overview"])


@NOW
def test_meta_reports_last_update_count_and_staleness(world):
    meta = _get("/public/complaints").json()["_meta"]
    assert meta["is_data_stale"] is True and meta["last_updated"] is None
    services.publish_due()
    meta = _get("/public/complaints").json()["_meta"]
    assert meta["total_record_count"] == 4 and meta["is_data_stale"] is False
    assert meta["last_updated"].startswith("2026-11-16")


@NOW
def test_csv_and_json_exports_stream_with_the_cap_stated(world, settings, monkeypatch):
    from ombud.disclosure import selectors

    services.publish_due()
    r = _get("/public/complaints/export", format="csv", not_category="postal_express")
    assert r.status_code == 200 and r.streaming
    assert r["X-Total-Count"] == "3" and r["X-Export-Cap"] == "100000" and r["X-Export-Truncated"] == "false"
    rows = list(csv.DictReader(io.StringIO(b"".join(r.streaming_content).decode("utf-8-sig"))))
    assert len(rows) == 3 and {row["complaint_id"] for row in rows} == {
        str(world[k].pk) for k in ("fridge", "phone", "refused")}
    monkeypatch.setattr(selectors, "EXPORT_CAP", 2)
    r = _get("/public/complaints/export", format="json")
    body = json.loads(b"".join(r.streaming_content))
    assert len(body["rows"]) == 2 and body["_meta"]["truncated"] is True and body["_meta"]["rows_matched"] == 4
    assert r["X-Export-Truncated"] == "true"


@NOW
def test_the_cfpb_layout_export_round_trips_through_ombud_import(world, tmp_path):
    from ombud.intake.importers import CFPB_TITLE, import_file

    services.publish_due()
    r = _get("/public/complaints/export", layout="cfpb")
    text = b"".join(r.streaming_content).decode("utf-8")
    assert text.splitlines()[0].split(",") == CFPB_TITLE  # the header CFPB's own tools expect
    path = tmp_path / "cfpb.csv"
    path.write_text(text, encoding="utf-8")
    exported = {int(row["Complaint ID"]): row for row in csv.DictReader(io.StringIO(text))}
    import_file(path, progress=False)
    imported = {int(c.external_id): c for c in Case.objects.filter(source="cfpb")}
    assert set(imported) == set(exported) == set(PublishedComplaint.objects.values_list("id", flat=True))
    for pk, case in imported.items():
        row = PublishedComplaint.objects.get(pk=pk)
        assert timezone.localtime(case.received_at).date() == row.received
        assert case.respondent_name == row.respondent and case.facts == row.narrative
        assert (case.category, case.issue_type) == (row.category, row.issue)
        assert case.extra.get("company_public_response", "") == row.response


@NOW
def test_each_client_is_throttled_with_retry_after(world, settings):
    settings.OMBUD_RATE_LIMITS, settings.OMBUD_PUBLIC_RATE = True, "2/m"
    a = Client(REMOTE_ADDR="10.0.0.1")
    b = Client(REMOTE_ADDR="10.0.0.2")
    assert [a.get("/api/v1/public/complaints").status_code for _ in range(2)] == [200, 200]
    refused = a.get("/api/v1/public/complaints")
    assert refused.status_code == 429 and 0 < int(refused["Retry-After"]) <= 60
    assert b.get("/api/v1/public/complaints").status_code == 200  # another client is not held back


@NOW
def test_the_publish_command_runs_one_pass_and_says_what_it_did(world):
    from django.core.management import call_command

    out = io.StringIO()
    call_command("publish", "--no-progress", stdout=out)
    assert "added 4, updated 0, taken down 0; 4 complaints published (rule version 1)" in out.getvalue()
    r = _get(f"/public/complaints/{world['fridge'].pk}")
    assert r.status_code == 200 and r.json()["company"] == PUDONG["name"]
    assert _get(f"/public/complaints/{world['report'].pk}").status_code == 404  # a report is never published


@NOW
def test_the_one_scan_counts_equal_the_per_facet_counts(world):
    from django.db import connection
    from django.http import QueryDict

    from ombud.disclosure import query, selectors

    if connection.vendor != "postgresql":
        pytest.skip("GROUPING SETS is the PostgreSQL path; SQLite counts facet by facet")
    services.publish_due()
    for params in ("", "category=household_electronics", "not_channel=app&search_term=退款", "timely=no"):
        q, errors = query.parse(QueryDict(params))
        assert not errors
        names = [n for n in selectors.FACETS if n not in q.lists]
        one = selectors._facets_in_one_scan(selectors.complaints(q), names)
        for name in names:
            column = selectors.FACETS[name][0]
            rows = selectors.complaints(q)
            if name == "rated":
                expect = {"yes": rows.filter(rating__isnull=False).count(), "no": rows.filter(rating__isnull=True).count()}
            else:
                if name in selectors._TEXT_FACETS:
                    rows = rows.exclude(**{column: ""})
                expect = {}
                for v in rows.values_list(column, flat=True):
                    key = selectors._facet_key(name, v)
                    expect[key] = expect.get(key, 0) + 1
            assert {b["key"]: b["count"] for b in one[name]} == expect, (params, name)


@NOW
def test_the_chinese_search_page_has_no_english_but_data(world):
    from .test_chinese_pages import english_in

    services.publish_due()
    client = Client(headers={"Accept-Language": "zh-hans"})
    for params in ({}, {"category": "household_electronics", "neg_category": "1", "lens": "issue"},
                   {"date_received_min": "bad"}, {"search_term": "refund"}):
        html = client.get("/complaints/", params).content.decode()
        data = [w for r in PublishedComplaint.objects.all() for w in (r.narrative + " " + r.response).split()]
        assert english_in(html, data=["bad", "refund", "CFPB", "API", *data]) == [], params


@NOW
def test_a_large_total_is_at_least_not_a_slow_exact_count(world, monkeypatch):
    from ombud.disclosure import selectors

    services.publish_due()
    monkeypatch.setattr(selectors, "TRACK_TOTAL", 2)
    body = _get("/public/complaints", not_outcome="withdrawn", no_aggs="true").json()
    assert (body["total"], body["total_relation"]) == (2, "gte") and len(body["hits"]) == 4
    assert _get("/public/complaints", outcome="refused").json()["total_relation"] == "eq"
    # with the counts per value, the total they hold is exact (no second count)
    body = _get("/public/complaints", not_outcome="withdrawn").json()
    assert (body["total"], body["total_relation"]) == (4, "eq")
    # a filter on "rated" leaves the total to be counted: capped again
    assert _get("/public/complaints", rated="no").json()["total_relation"] == "gte"
    html = Client(headers={"Accept-Language": "en"}).get("/complaints/", {"rated": "no"}).content.decode()
    assert "More than 2 complaints" in html


@NOW
def test_cached_counts_follow_a_republished_complaint(world):
    services.publish_due()

    def with_account():
        aggs = _get("/public/complaints").json()["aggregations"]
        return {b["key"]: b["count"] for b in aggs["has_narrative"]}.get("yes", 0)

    assert with_account() == 3
    assert with_account() == 3  # the second answer comes from the cache
    Narrative.objects.filter(case=world["fridge"]).update(status=NarrativeStatus.WITHDRAWN)
    services.republish(case_ids=[world["fridge"].pk])
    assert with_account() == 2  # not the cached 3
