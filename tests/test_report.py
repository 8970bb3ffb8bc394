"""`ombud report`: the periodic national or regional report, as PDF and XLSX.

The headline figures of a 1:1000 national year are computed here straight from the case tables and
must appear, in the report's number style, in the PDF's extractable text and in the workbook; the
number style itself is pinned at full scale (3534.3万 / 44.9亿元 / 35.343 million / ¥4.49 billion)."""
import datetime as dt
import io
import re
import xml.etree.ElementTree as ET
import zipfile
from collections import Counter
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, Sum
from pypdf import PdfReader

from ombud.analytics import report, store, synth
from ombud.cases.models import Case
from ombud.documents import pdf as pdfdoc

from .conftest import frozen

AS_OF = dt.datetime(2024, 4, 1, tzinfo=synth.CST)
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]")
NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}


def test_the_number_style_at_full_scale_and_below():
    # SAMR's 2023 figures: 3534.3万件 and 44.9亿元; in English 35.343 million and ¥4.49 billion
    assert report.zh_count(35_343_000) == "3534.3万"
    assert report.zh_money(Decimal("4490000000.00")) == "44.9亿元"
    assert report.en_count(35_343_000) == "35.343 million"
    assert report.en_money(Decimal("4490000000.00")) == "¥4.49 billion"
    # the same rules at 1:1000
    assert report.zh_count(35_343) == "3.5343万"
    assert report.zh_money(Decimal("4490000.00")) == "449.0万元"
    assert report.en_count(35_343) == "35,343"
    assert report.en_money(Decimal("4490000.00")) == "¥4,490,000.00"
    # five significant digits, exact figures keep one decimal, rounding half up, carried into 亿
    assert report.zh_count(29_410_000) == "2941.0万"
    assert report.zh_count(12_345_678) == "1234.6万"
    assert report.zh_count(35_000) == "3.5万"
    assert report.zh_count(9_999) == "9999"
    assert report.zh_count(99_999_999) == "1.0亿"
    assert report.zh_count(123_456_789) == "1.2346亿"
    assert report.zh_money(Decimal("99999999.99")) == "1.0亿元"
    assert report.zh_money(Decimal("1234.5")) == "1234.50元"
    assert report.en_count(1_234_500) == "1.235 million"
    assert report.en_money(Decimal("999999999.99")) == "¥999,999,999.99"
    assert report.format_percent(0.2017) == "20.2%"
    assert report.format_percent(0.2025) == "20.3%"
    assert report.format_count(35_343_000, "en") == "35.343 million"
    assert report.format_count(35_343_000, "zh-hans") == "3534.3万"
    assert report.format_money(Decimal(4490000000), "en") == "¥4.49 billion"


def test_periods_and_their_previous_periods():
    d = dt.date
    assert report.parse_period("2023") == (d(2023, 1, 1), d(2023, 12, 31), d(2022, 1, 1), d(2022, 12, 31), "2023")
    assert report.parse_period("2023-Q1") == (d(2023, 1, 1), d(2023, 3, 31), d(2022, 10, 1), d(2022, 12, 31),
                                              "2023-Q1")
    assert report.parse_period(" 2023q3 ") == (d(2023, 7, 1), d(2023, 9, 30), d(2023, 4, 1), d(2023, 6, 30),
                                               "2023-Q3")
    assert report.parse_period("2023-03") == (d(2023, 3, 1), d(2023, 3, 31), d(2023, 2, 1), d(2023, 2, 28), "2023-03")
    assert report.parse_period("2024-03")[2:4] == (d(2024, 2, 1), d(2024, 2, 29))
    assert report.parse_period("2024-01")[2:4] == (d(2023, 12, 1), d(2023, 12, 31))
    for text, message in [("2023-13", "month must be 01 to 12"), ("2023-00", "month must be 01 to 12"),
                          ("2023-Q5", "quarter must be Q1, Q2, Q3 or Q4"), ("0999", "year must be between"),
                          ("23", "unknown period format"), ("2023/03", "unknown period format"),
                          ("March 2023", "unknown period format"), ("", "unknown period format"),
                          ("2023-Q", "unknown period format"), ("2023-03-01", "unknown period format")]:
        with pytest.raises(ValueError, match=message):
            report.parse_period(text)


@pytest.mark.django_db
def test_the_command_refuses_bad_input_with_a_specific_error(settings, tmp_path):
    settings.OMBUD_ANALYTICS_DIR = tmp_path / "empty-store"
    out = tmp_path / "out"
    with pytest.raises(CommandError, match=r"unknown period format '2023/1'"):
        call_command("report", "--period", "2023/1", "--out", str(out))
    with pytest.raises(CommandError, match=r"region '999999' does not exist"):
        call_command("report", "--period", "2023", "--region", "999999", "--out", str(out))
    with pytest.raises(CommandError, match=r"no data for region 330000 in period 2023-Q2 .*not been built"):
        call_command("report", "--period", "2023-Q2", "--region", "330000", "--out", str(out))
    with pytest.raises(CommandError):
        call_command("report", "--period", "2023", "--language", "fr", "--out", str(out))
    assert not out.exists()


def _pdf_text(data):
    reader = PdfReader(io.BytesIO(data))
    return reader, [page.extract_text() for page in reader.pages]


def _flat(text):
    return re.sub(r"\s+", "", text)


def _xlsx(data):
    """{sheet name: {cell ref: value}} (shared strings resolved; formulas give their cached value), and the
    zip's file names."""
    z = zipfile.ZipFile(io.BytesIO(data))
    shared = [("".join(t.text or "" for t in si.iter(f"{{{NS['m']}}}t")))
              for si in ET.fromstring(z.read("xl/sharedStrings.xml")).findall("m:si", NS)]
    book = ET.fromstring(z.read("xl/workbook.xml"))
    names = [s.get("name") for s in book.find("m:sheets", NS)]
    sheets, formulas = {}, {}
    for i, name in enumerate(names, start=1):
        cells = {}
        for c in ET.fromstring(z.read(f"xl/worksheets/sheet{i}.xml")).iter(f"{{{NS['m']}}}c"):
            v, f = c.find("m:v", NS), c.find("m:f", NS)
            if f is not None:
                formulas[(name, c.get("r"))] = f.text
            if v is None:
                continue
            cells[c.get("r")] = shared[int(v.text)] if c.get("t") == "s" else v.text
        sheets[name] = cells
    return sheets, formulas, z.namelist()


def _local_year(year):
    return Case.objects.filter(received_at__gte=dt.datetime(year, 1, 1, tzinfo=synth.CST),
                               received_at__lt=dt.datetime(year + 1, 1, 1, tzinfo=synth.CST))


@frozen(2026, 11, 16, 10)
@pytest.mark.django_db
def test_the_1_to_1000_year_report_states_what_the_case_tables_say(settings, tmp_path, monkeypatch):
    synth.run(year=2022, cases=29_410, seed=7, as_of=AS_OF)
    synth.run(year=2023, cases=35_343, seed=7, as_of=AS_OF)
    settings.OMBUD_ANALYTICS_DIR = tmp_path / "store"
    store.refresh(full=True)

    # -- computed here, from the case tables --
    year, before = _local_year(2023), _local_year(2022)
    total, previous_total = year.count(), before.count()
    assert (total, previous_total) == (35_343, 29_410)
    kinds = Counter(dict(year.values_list("kind").annotate(n=Count("id"))))
    recovered = year.aggregate(s=Sum("amount_recovered"))["s"]
    assert recovered == Decimal("4490000.00")
    growth = (total - previous_total) / previous_total
    finished = year.filter(kind="complaint", status__in=["closed", "refused", "withdrawn"])
    resolved_share = finished.filter(verdict_resolved=True).count() / finished.count()
    rated_share = finished.exclude(rating_handling=None).count() / finished.count()
    issues = Counter(dict(year.filter(kind="complaint").values_list("issue_type").annotate(n=Count("id"))))
    online = year.exclude(platform=None).count()

    # -- the Chinese report (the default) --
    r = report.build(region="100000", period="2023")
    assert r.filename_stem == "report-100000-2023"
    assert r.figures["total"] == total and r.figures["recovered"] == recovered
    assert {k: r.figures["current"][k] for k in kinds} == dict(kinds)
    assert {row["code"]: row["n"] for row in r.figures["issues"]} == dict(issues)
    assert r.figures["issues"][0]["code"] == r.figures["growing_issues"][0]["code"] == "after_sales"
    assert abs(r.figures["growing_issues"][0]["growth"] - 0.615) < 0.1  # SAMR: after-sales +61.5 %
    assert all(row["previous"] >= report.MIN_BASE for row in r.figures["growing_issues"])

    reader, pages = _pdf_text(r.pdf)
    text = _flat("".join(pages))
    assert report.zh_count(total) + "件" == "3.5343万件"
    assert report.zh_money(recovered) == "449.0万元"
    assert "全国12315平台共受理投诉、举报和咨询3.5343万件，同比增长" + report.format_percent(growth) in text
    assert report.format_percent(growth) == "20.2%"
    assert "为消费者挽回经济损失449.0万元" in text
    assert "网络购物相关案件" + report.zh_count(online) + "件" in text
    assert "确认问题已解决的占" + report.format_percent(resolved_share) in text
    assert "作出评价的占" + report.format_percent(rated_share) in text
    assert "未评价的投诉一律不计为解决或满意" in text  # the formula says so
    assert "7个工作日内作出受理决定数÷已作出受理决定数" in text
    assert "售后服务" in text and f"上期不少于{report.MIN_BASE}件" in text
    # title page: region, period, as_of of the data, generated at
    cover = _flat(pages[0])
    assert "全国" in cover and "2023年" in cover and "2023-01-01至2023-12-31" in cover
    assert "数据截至2026-11-16" in cover and "生成时间2026-11-16" in cover
    # the font is embedded, and the charts are drawn on their page: filled rectangles, under their titles
    assert b"/FontFile2" in r.pdf
    chart_pages = [i for i, p in enumerate(pages) if "图1" in p and "按月" in _flat(p)]
    assert chart_pages, "the monthly chart's title is not in the PDF"
    ops = reader.pages[chart_pages[0]].get_contents().get_data()
    assert ops.count(b" re") >= 36 and b" f" in ops  # 12 months × 3 kinds of stacked bars at least
    assert any("图2" in p for p in pages)

    sheets, formulas, files = _xlsx(r.xlsx)
    assert list(sheets)[:3] == ["概况", "商品和服务", "问题类型"]
    headline = sheets["概况"]
    assert "35343" in headline.values() and "4490000" in headline.values()
    assert any("3.5343万件" in v for v in headline.values() if isinstance(v, str))
    assert any("449.0万元" in v for v in headline.values() if isinstance(v, str))
    assert any("÷" in v for v in headline.values())  # formulas stated in words …
    assert any(f.startswith("IF(") and "/" in f  # … and as formulas
               for (sheet, _), f in formulas.items() if sheet == "概况")
    assert sum(1 for f in files if f.startswith("xl/charts/chart")) >= 3
    issue_rows = {v: k for k, v in sheets["问题类型"].items() if k.startswith("B")}
    assert sheets["问题类型"]["D" + issue_rows["after_sales"][1:]] == str(issues["after_sales"])

    # -- the English report: the same figures, no Chinese in its sentences but the names --
    en = report.build(region="100000", period="2023", language="en")
    names = [row["name"] for row in en.figures["respondents"]] + [row["name"] for row in en.figures["regions"]]
    for sentence in en.paragraphs:
        for name in sorted(names, key=len, reverse=True):
            sentence = sentence.replace(name, "")
        assert not CJK.search(sentence), sentence
    assert en.paragraphs[0].startswith("In 2023, the 12315 platform nationwide received 35,343 complaints, reports "
                                       "and consultations, up 20.2% year on year.")
    _, en_pages = _pdf_text(en.pdf)
    en_text = "".join(en_pages)
    assert "35,343" in en_text and "¥4,490,000.00" in en_text and "Figure 1. Cases received by month" in en_text
    assert any("an unrated complaint never counts as resolved or satisfied" in p for p in en.paragraphs)

    # -- a quarter (compared with the previous quarter) and a period whose previous period has no data --
    q = report.build(region="330000", period="2023-Q1", language="en")
    assert "on the previous quarter" in q.paragraphs[0]
    first = report.build(region="330000", period="2022-Q1", language="en")
    assert "no comparison: the previous quarter has no data" in first.paragraphs[0]
    assert "%" not in first.paragraphs[0].split("consultations, ")[1]
    first_zh = report.build(region="330000", period="2022-Q1")
    assert "上一季度无数据，不作比较" in first_zh.paragraphs[0]

    # -- the command writes both files and prints their paths --
    out = tmp_path / "out"
    printed = io.StringIO()
    call_command("report", "--period", "2023", "--region", "330000", "--out", str(out), stdout=printed)
    pdf_path, xlsx_path = out / "report-330000-2023.pdf", out / "report-330000-2023.xlsx"
    assert printed.getvalue().split() == [str(pdf_path), str(xlsx_path)]
    _, zj_pages = _pdf_text(pdf_path.read_bytes())
    assert "浙江省" in _flat(zj_pages[0])
    assert zipfile.ZipFile(xlsx_path).testzip() is None
    call_command("report", "--period", "2023", "--out", str(out), stdout=io.StringIO())  # the nation, by default
    call_command("report", "--period", "2023-03", "--region", "330000", "--language", "en", "--out", str(out),
                 stdout=io.StringIO())
    assert (out / "report-100000-2023.pdf").exists() and (out / "report-330000-2023-03.xlsx").exists()
    with pytest.raises(CommandError, match=r"no data for region 100000 in period 2021 .*2022-01 to 2023-12"):
        call_command("report", "--period", "2021", "--out", str(out))

    # -- no CJK font: the hint, and a clear command error --
    settings.OMBUD_PDF_FONTS = ["/nonexistent/font.ttf"]
    monkeypatch.setattr(pdfdoc, "_fontconfig_cjk", lambda: None)
    with pytest.raises(pdfdoc.FontMissing, match="fonts-wqy-microhei"):
        report.build(region="100000", period="2023")
    with pytest.raises(CommandError, match="cannot write the PDF: no CJK font"):
        call_command("report", "--period", "2023", "--out", str(tmp_path / "nofont"))
