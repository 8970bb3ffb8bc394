"""`ombud import`: Ombud CSV/JSONL and every CFPB header variant, rejects with line numbers, no lost rows."""
import csv
import datetime as dt
import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from ombud.businesses import uscc as uscc_rules
from ombud.businesses.models import Business
from ombud.cases.models import Case, CaseEvent
from ombud.intake import importers
from ombud.intake.importers import import_file, issue_type, parse_date, product_category

from .conftest import ON_AN_R2026_DAY

CFPB = Path(__file__).resolve().parents[2] / "shared" / "data" / "cfpb"
if not CFPB.exists():
    CFPB = Path("/work/shared/data/cfpb")

FILES = {
    "kelvinlam05_complaints_preprocessed.csv": "cfpb-narratives",
    "owain-nortal_consumer_complaints_socrata_snakecase.csv": "cfpb-api-snake-case",
    "samratbhosale7_consumer_complaints_2015_legacy.csv": "cfpb-legacy-2015",
    "seunnna_complaints_small_sample_2025-04-25.csv": "cfpb-export",
    "shahsg_Consumer_Complaints_narratives_2015.csv": "cfpb-narratives-indexed",
    "ziyuyan9_complaints_sample.csv": "cfpb-export",
}
TRUNCATE = {"samratbhosale7_consumer_complaints_2015_legacy.csv": 2000}

csv.field_size_limit(2**31 - 1)


def records(path):
    with open(path, newline="", encoding="utf-8-sig") as fh:
        return [r for r in csv.reader(fh)][1:]


def head(src, dst, n):
    """Header + the first n records, copied record by record so multi-line records stay whole."""
    with open(src, newline="", encoding="utf-8") as fin, open(dst, "w", newline="", encoding="utf-8") as fout:
        reader, writer = csv.reader(fin), csv.writer(fout)
        writer.writerow(next(reader))
        for i, row in enumerate(reader):
            if i >= n:
                break
            writer.writerow(row)
    return dst


def read_rejects(path):
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    return rows


def run(path, **kw):
    kw.setdefault("progress", False)
    kw.setdefault("rejects", str(path) + ".rejects.csv")
    return import_file(path, **kw)


# ------------------------------------------------------------------------------------------ mapping


def test_parse_date_variants():
    want = dt.datetime(2020, 3, 8, tzinfo=importers.LOCAL)
    for text in ("2020/3/8", "03/08/20", "3/8/2020", "2020-03-08"):
        assert parse_date(text) == want, text
    assert parse_date("2015-03-19").utcoffset() == dt.timedelta(hours=8)
    for bad in ("2020/13/40", "yesterday", "", "2020-3", "31.12.2020"):
        with pytest.raises(ValueError):
            parse_date(bad)


def test_product_and_issue_maps():
    assert product_category("Mortgage") == "finance"
    assert product_category("Prepaid card") == "prepaid"
    assert product_category("Credit card or prepaid card", "General-purpose credit card or charge card") == "finance"
    assert product_category("Credit card or prepaid card", "General-purpose prepaid card") == "prepaid"
    assert product_category("Money transfer, virtual currency, or money service") == "finance"
    assert product_category("retail_banking") == "finance"
    assert product_category("Pet grooming") == "other_services"
    assert issue_type("Charged fees or interest you didn't expect") == "price"
    assert issue_type("Incorrect information on your report") == "false_advertising"
    assert issue_type("Communication tactics") == "personal_rights"
    assert issue_type("Improper use of your report") == "personal_rights"
    assert issue_type("Dealing with your lender or servicer") == "after_sales"
    assert issue_type("Problem with a purchase shown on your statement") == "after_sales"
    assert issue_type("Loan servicing, payments, escrow account") == "contract"
    assert issue_type("Account opening, closing, or management") == "contract"
    assert issue_type("Fraud or scam") == "other"
    assert issue_type("Something new") == "other"
    assert issue_type("") == "other"


# ------------------------------------------------------------------------------------------ real files


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(FILES))
def test_real_cfpb_file_lands_whole(name, tmp_path):
    src = CFPB / name
    path = head(src, tmp_path / name, TRUNCATE[name]) if name in TRUNCATE else src
    expected = len(records(path))
    rejects = tmp_path / "rejects.csv"
    stats = run(path, rejects=str(rejects))
    assert stats.fmt == FILES[name]
    assert (stats.rows, stats.imported, stats.rejected) == (expected, expected, 0)
    assert not rejects.exists()
    cases = Case.objects.filter(source="cfpb")
    assert cases.count() == expected
    assert CaseEvent.objects.filter(case__source="cfpb").count() == 2 * expected
    assert set(cases.values_list("status", flat=True)) == {"pending_dispatch"}
    assert set(cases.values_list("authority__code", flat=True)) == {"100000"}
    assert set(cases.values_list("channel", flat=True)) == {"import"}
    assert cases.filter(incomplete=False).count() == 0
    assert len(set(cases.values_list("ticket", flat=True))) == expected


@pytest.mark.django_db
def test_cfpb_case_content_and_events(tmp_path):
    path = tmp_path / "one.csv"
    path.write_text(
        ",".join(importers.CFPB_TITLE) + "\n"
        '2019/10/25,"Credit card or prepaid card",General-purpose credit card or charge card,'
        '"Problem with a purchase shown on your statement",Card was charged for something you did not purchase,'
        '"I was billed twice.\nPlease help.",,"CITIBANK, N.A.",CA,90210,Servicemember,Consent provided,Web,'
        "2019/10/25,Closed with explanation,Yes,N/A,3417300\n", encoding="utf-8")
    stats = run(path)
    assert stats.imported == 1
    case = Case.objects.get(source="cfpb", external_id="3417300")
    assert case.category == "finance" and case.issue_type == "after_sales"
    assert case.facts == "I was billed twice.\nPlease help."
    assert case.received_at == dt.datetime(2019, 10, 24, 16, 0, tzinfo=dt.timezone.utc)
    assert case.rule_set is None  # no rule set covers 2019: honest, not invented
    assert case.respondent.name == "CITIBANK, N.A." and case.respondent.country == "US"
    assert case.respondent.uscc is None
    assert case.extra["issue"] == "Problem with a purchase shown on your statement"
    assert case.extra["state"] == "CA" and case.extra["zip"] == "90210" and case.extra["tags"] == "Servicemember"
    assert case.missing_fields == ["complainant.name", "complainant.phone", "complainant.address",
                                   "respondent.address", "request"]
    events = list(case.events.order_by("id"))
    assert [e.action for e in events] == ["received", "held_for_dispatch"]
    assert events[0].actor_label == "import:one.csv"
    assert events[0].reason.startswith("received; required content missing: complainant.name")
    assert events[1].reason.startswith("the respondent's county could not be determined")
    assert events[1].data["authority"] == "100000" and events[1].data["rule"] == "routing.return"
    # A company seen again maps to the same business, also across imports.
    path2 = tmp_path / "two.csv"
    path2.write_text(path.read_text().replace("3417300", "3417301").replace("CITIBANK, N.A.", "citibank, n.a."))
    run(path2)
    assert Case.objects.get(external_id="3417301").respondent_id == case.respondent_id
    assert Business.objects.filter(country="US").count() == 1


@pytest.mark.django_db
def test_reimport_creates_no_duplicates(tmp_path):
    src = CFPB / "owain-nortal_consumer_complaints_socrata_snakecase.csv"
    first = run(src, rejects=str(tmp_path / "r1.csv"))
    assert first.imported == 145
    again = run(src, rejects=str(tmp_path / "r2.csv"))
    assert (again.imported, again.rejected, again.duplicates) == (0, 145, 145)
    assert Case.objects.filter(source="cfpb").count() == 145
    rejects = read_rejects(tmp_path / "r2.csv")
    assert len(rejects) == 145
    assert rejects[0]["reason"] == "duplicate of an already imported case (external id 2397100)"
    assert rejects[0]["line"] == "2"


# ------------------------------------------------------------------------------------------ malformed rows

HEAD = ",".join(importers.CFPB_TITLE)


def cfpb_line(date="2023/5/1", product="Mortgage", narrative="", company="ACME BANK", cid="1"):
    q = '"' + narrative.replace('"', '""') + '"' if narrative else ""
    return (f"{date},{product},,Trouble during payment process,,{q},,{company},NY,10001,,,Web,{date},"
            f"Closed with explanation,Yes,,{cid}")


@pytest.mark.django_db
def test_malformed_cfpb_rows_rejected_with_physical_line(tmp_path):
    lines = [
        HEAD,                                                          # 1
        cfpb_line(cid="100"),                                          # 2 good
        cfpb_line(cid="101", narrative="first line\nsecond, line\n\nfourth \"quoted\""),  # 3-6 good, multi-line
        cfpb_line(cid="102", date="2023/13/45"),                       # 7 bad date
        cfpb_line(cid="103") + ",extra",                               # 8 wrong field count
        cfpb_line(cid="104", date=""),                                 # 9 missing date
        cfpb_line(cid="100"),                                          # 10 duplicate in file
        cfpb_line(cid="105", product="", company=""),                  # 11 nothing to import
        cfpb_line(cid="106", narrative="multi\nline but\ntoo, many", company="X") + ",oops",  # 12-14 wrong count
        cfpb_line(cid="107", date="05/02/23"),                         # 15 good
        "",                                                            # 16 blank: no record
        cfpb_line(cid="108"),                                          # 17 good
    ]
    path = tmp_path / "bad.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    stats = run(path, batch_size=3)
    rejects = read_rejects(str(path) + ".rejects.csv")
    got = {(r["line"], r["reason"].split(":")[0].split(" (")[0]) for r in rejects}
    assert got == {
        ("7", "unparseable date '2023/13/45'"),
        ("8", "wrong number of fields"),
        ("9", "missing date received"),
        ("10", "duplicate of an earlier record in this file"),
        ("11", "no product, no narrative and no company"),
        ("12", "wrong number of fields"),
    }
    by_line = {r["line"]: r for r in rejects}
    assert by_line["12"]["record"].startswith("2023/5/1,Mortgage,,") and "too, many" in by_line["12"]["record"]
    assert by_line["10"]["record"] == cfpb_line(cid="100")
    landed = set(Case.objects.filter(source="cfpb").values_list("external_id", flat=True))
    assert landed == {"100", "101", "107", "108"}
    assert Case.objects.get(external_id="101").facts == 'first line\nsecond, line\n\nfourth "quoted"'
    assert stats.rows == 10 == len(landed) + len(rejects)
    assert stats.duplicates == 1


OMBUD_HEAD = ",".join(importers.OMBUD_COLUMNS)


def ombud_row(**values):
    row = dict.fromkeys(importers.OMBUD_COLUMNS, "")
    row.update(kind="complaint", complainant_name="张三", complainant_phone="13800000000",
               complainant_address="上海市浦东新区世纪大道1号", respondent_name="某某商店",
               respondent_address="上海市浦东新区张江路2号", category="food", issue_type="quality",
               request="退款", facts="买到过期食品", received_at="2026-05-01T10:00:00+08:00")
    row.update(values)
    out = StringIO()
    csv.writer(out, lineterminator="").writerow([row[c] for c in importers.OMBUD_COLUMNS])
    return out.getvalue()


@ON_AN_R2026_DAY
@pytest.mark.django_db
def test_ombud_csv_validates_like_the_api(tmp_path):
    good_uscc = uscc_rules.make("91310115MA1H7GXX1")
    lines = [
        OMBUD_HEAD,                                                       # 1
        ombud_row(external_id="A1", respondent_uscc=good_uscc),           # 2 good
        ombud_row(external_id="A2", respondent_uscc="91310115MA1H7GXX19"),  # 3 bad USCC (check char)
        ombud_row(external_id="A3", facts="x" * 10001),                   # 4 over-long
        ombud_row(external_id="A4", category="spaceships"),               # 5 unknown category
        ombud_row(external_id="A5", amount="lots"),                       # 6 wrong type
        ombud_row(external_id="A6", facts="多行\n事实, 第二行"),             # 7-8 good, multi-line
        ombud_row(external_id="A7", received_at="2026/13/1"),             # 9 bad date
        ombud_row(external_id="A8", complainant_name="", received_at="2025-12-01"),  # 10 good, incomplete
        ombud_row(external_id="A1"),                                      # 11 duplicate
    ]
    path = tmp_path / "ombud.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    stats = run(path)
    rejects = {r["line"]: r["reason"] for r in read_rejects(str(path) + ".rejects.csv")}
    assert set(rejects) == {"3", "4", "5", "6", "9", "11"}
    assert "respondent.uscc" in rejects["3"]
    assert "facts" in rejects["4"] and "10000" in rejects["4"]
    assert "category" in rejects["5"] and "spaceships" in rejects["5"]
    assert "amount" in rejects["6"]
    assert "received_at" in rejects["9"]
    assert rejects["11"].startswith("duplicate of an earlier record")
    cases = Case.objects.filter(source="ombud")
    assert set(cases.values_list("external_id", flat=True)) == {"A1", "A6", "A8"}
    assert stats.rows == 9 == cases.count() + len(rejects)
    a1 = cases.get(external_id="A1")
    assert a1.respondent.uscc == good_uscc
    assert a1.channel == "import" and not a1.incomplete
    assert a1.rule_set.code == "R2026"
    assert cases.get(external_id="A6").facts == "多行\n事实, 第二行"
    a8 = cases.get(external_id="A8")
    assert a8.incomplete and a8.missing_fields == ["complainant.name"]
    assert a8.received_at == dt.datetime(2025, 11, 30, 16, tzinfo=dt.timezone.utc)
    assert a8.rule_set.code == "R2022"
    assert list(a1.events.order_by("id").values_list("action", flat=True))[0] == "received"
    assert a1.events.count() == 2


@ON_AN_R2026_DAY
@pytest.mark.django_db
def test_jsonl_import(tmp_path):
    good = {"kind": "complaint", "complainant": {"name": "李四", "phone": "13900000000", "address": "北京市海淀区"},
            "respondent": {"name": "某某公司", "address": "北京市海淀区中关村大街1号"}, "category": "telecom",
            "issue_type": "contract", "request": "解约", "facts": "合同纠纷",
            "received_at": "2026-06-01T09:00:00+08:00", "external_id": "J1"}
    report = {"kind": "report", "anonymous": True, "facts": "无照经营", "conduct_address": "北京市海淀区",
              "violation_type": "unlicensed", "external_id": "J2"}
    lines = [json.dumps(good, ensure_ascii=False), "", json.dumps(report, ensure_ascii=False),
             "{not json", json.dumps({**good, "external_id": "J3", "kind": "gossip"}),
             json.dumps({**good, "external_id": "J1"}), "[1, 2]"]
    path = tmp_path / "cases.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    stats = run(path)
    rejects = {r["line"]: r["reason"] for r in read_rejects(str(path) + ".rejects.csv")}
    assert set(rejects) == {"4", "5", "6", "7"}
    assert rejects["4"].startswith("not valid JSON")
    assert "kind" in rejects["5"]
    assert rejects["6"].startswith("duplicate")
    assert (stats.rows, stats.imported, stats.rejected) == (6, 2, 4)
    j1 = Case.objects.get(source="ombud", external_id="J1")
    assert j1.complainant_name == "李四" and j1.category == "telecom"
    j2 = Case.objects.get(source="ombud", external_id="J2")
    assert j2.kind == "report" and j2.anonymous and j2.complainant_name == ""
    assert CaseEvent.objects.filter(case__in=[j1, j2]).count() == 4


# ------------------------------------------------------------------------------------------ the command


@pytest.mark.django_db
def test_command_summary_and_unknown_header(tmp_path):
    src = CFPB / "owain-nortal_consumer_complaints_socrata_snakecase.csv"
    out = StringIO()
    call_command("import", str(src), "--no-progress", "--rejects", str(tmp_path / "r.csv"), stdout=out,
                 stderr=StringIO())
    text = out.getvalue()
    assert "rows read: 145" in text and "imported: 145" in text and "rejected: 0" in text
    assert "rows/s:" in text and "seconds:" in text
    bad = tmp_path / "weird.csv"
    bad.write_text("foo,bar\n1,2\n")
    with pytest.raises(CommandError, match="matches no known format") as exc:
        call_command("import", str(bad), "--no-progress", stdout=StringIO(), stderr=StringIO())
    assert "Date received,Product" in str(exc.value) and "date_received,product" in str(exc.value)
    with pytest.raises(CommandError, match="cannot read"):
        call_command("import", str(tmp_path / "missing.csv"), "--no-progress", stdout=StringIO(),
                     stderr=StringIO())
    assert Case.objects.count() == 145


@pytest.mark.django_db
def test_ticket_collision_retries_the_batch(tmp_path, monkeypatch):
    src = CFPB / "owain-nortal_consumer_complaints_socrata_snakecase.csv"
    path = head(src, tmp_path / "a.csv", 5)
    run(path)
    taken = Case.objects.order_by("id").first().ticket
    issued = iter([taken] + [f"{i:013d}" for i in range(10**6, 10**6 + 100)])
    monkeypatch.setattr(importers, "new_ticket", lambda when: next(issued))
    path2 = tmp_path / "b.csv"
    rows = records(path)
    with open(path2, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(importers.CFPB_SNAKE)
        for r in rows:
            w.writerow(r[:-1] + ["9" + r[-1]])
    stats = run(path2)
    assert stats.retries == 1 and stats.imported == 5 and stats.rejected == 0
    assert Case.objects.count() == 10
