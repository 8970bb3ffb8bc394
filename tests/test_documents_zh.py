"""Official documents cite the full title and Chinese numerals, and write dates as 2026年6月3日 (issue 8)."""
import re

import pytest

from ombud.documents.models import Document

from .conftest import complaint, frozen, make_api

pytestmark = [pytest.mark.django_db, frozen(2026, 6, 3, 10)]  # single-digit month and day: padding would show


def _text(document):
    c = document.content
    return "".join([c["date"], *c.get("paragraphs", []), *c.get("after", []), *(t["text"] for t in c.get("ticks", []))])


def test_acceptance_and_refusal_cite_the_regulation_in_full_with_chinese_numerals():
    filer, handler = make_api("integrator"), make_api("handler", "310115")
    accepted, refused = (filer.post("/cases", complaint()).json()["ticket"] for _ in range(2))
    handler.post(f"/cases/{accepted}/actions/accept", {})
    handler.post(f"/cases/{refused}/actions/refuse", {"ground": 4, "reason": "超过三年"})
    acceptance = _text(Document.objects.get(form="acceptance"))
    assert "符合《市场监督管理投诉举报处理办法》第十五条的规定" in acceptance
    assert "你于2026年6月3日提出" in acceptance and acceptance.startswith("2026年6月3日")
    assert "至2026年8月3日届满" in acceptance  # 60 days end on Sunday 2 August, rolled to Monday
    refusal = _text(Document.objects.get(form="refusal"))
    assert "依照《市场监督管理投诉举报处理办法》第十六条第（四）项的规定" in refusal
    assert "具有下列第（四）项情形" in refusal and "（四）除法律另有规定外" in refusal
    for text in (acceptance, refusal):
        assert "Art." not in text and "R2026" not in text
        assert not re.search(r"\d{4}-\d{2}-\d{2}|年0\d月|月0\d日", text)


def test_an_r2022_case_cites_the_interim_measures():
    filer, handler = make_api("integrator"), make_api("handler", "310115")
    ticket = filer.post("/cases", complaint(received_at="2026-03-02T10:00:00+08:00")).json()["ticket"]
    handler.post(f"/cases/{ticket}/actions/refuse", {"ground": 5, "reason": "材料不全"})
    refusal = _text(Document.objects.get(form="refusal"))
    assert "依照《市场监督管理投诉举报处理暂行办法》第十五条第（五）项的规定" in refusal
    assert "（五）未提供本办法第九条第一款和第十条规定的材料" in refusal
    assert "你于2026年3月2日提出" in refusal
