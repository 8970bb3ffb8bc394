"""Issue 8, newcomer path: API docs that can be tried, PDFs without a CJK font, favicon, demo progress."""
import datetime as dt
import io

import pytest
from django.core import checks
from django.core.management import call_command
from django.test import Client

from ombud.documents import pdf
from ombud.documents.models import Document
from ombud.documents.selectors import url
from ombud.workflow import machine

from .conftest import CST, ON_AN_R2026_DAY, complaint, make_api

pytestmark = [pytest.mark.django_db, ON_AN_R2026_DAY]


def _openapi():
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def test_api_docs_declare_bearer_and_session_so_swagger_shows_authorize():
    schema = _openapi()
    schemes = schema["components"]["securitySchemes"]
    assert schemes["bearer"]["type"] == "http" and schemes["bearer"]["scheme"] == "bearer"
    assert schemes["session"]["type"] == "apiKey" and schemes["session"]["in"] == "cookie"
    assert {"bearer": []} in schema["security"] and {"session": []} in schema["security"]
    assert {} in schema["security"]  # the public may still call without either
    assert "only the cases it submitted" in schemes["bearer"]["description"]
    page = Client().get("/api/v1/docs")
    assert page.status_code == 200 and b'data-api-csrf="true"' in page.content  # session writes send X-CSRFToken


def test_every_action_body_is_published():
    schema = _openapi()
    body = schema["paths"]["/api/v1/cases/{ticket}/actions/{action}"]["post"]["requestBody"]
    options = body["content"]["application/json"]["schema"]["oneOf"]
    components = schema["components"]["schemas"]
    named = {}
    for option in options:
        ref = option["allOf"][0]["$ref"].rsplit("/", 1)[1]
        assert components[ref]["type"] == "object"
        for action in option["title"].split(", "):
            named[action] = components[ref]
    assert set(named) == {t.action for t in machine.table()}
    assert set(named["refuse"]["properties"]) >= {"ground"} and "ground" in named["refuse"]["required"]
    assert "amount_recovered" in named["agree"]["properties"]
    assert named["agree"]["additionalProperties"] is False  # unknown fields are refused, as the API does


def test_the_generic_action_route_still_works():
    ticket = make_api("integrator").post("/cases", complaint()).json()["ticket"]
    response = make_api("handler", "310115").post(f"/cases/{ticket}/actions/accept", {})
    assert response.status_code == 200 and response.json()["status"] == "accepted"


def test_favicon():
    response = Client().get("/favicon.ico")
    assert response.status_code == 200 and response["Content-Type"] == "image/x-icon"
    assert response.content[:4] == b"\x00\x00\x01\x00"  # an ICO header


def _document():
    ticket = make_api("integrator").post("/cases", complaint()).json()["ticket"]
    make_api("handler", "310115").post(f"/cases/{ticket}/actions/accept", {})
    return Document.objects.get(form="acceptance")


@pytest.fixture
def no_font(monkeypatch, settings):
    settings.OMBUD_PDF_FONTS = ["/nonexistent/font.ttc"]
    monkeypatch.setattr(pdf, "_fontconfig_cjk", lambda: None)


# The clock stands still: the page's link is signed with the current second, and so is the one compared.
@pytest.mark.time_machine(dt.datetime(2026, 11, 16, 10, tzinfo=CST), tick=False)
@pytest.mark.parametrize("language, words", [("zh-hans", "无法生成"), ("en", "The PDF cannot be made")])
def test_pdf_without_a_cjk_font_explains_instead_of_a_500(no_font, caplog, language, words):
    doc = _document()
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    response = client.get(url(doc) + "pdf")
    assert response.status_code == 503
    text = response.content.decode()
    assert words in text and doc.number in text and url(doc) in text  # names the document, links the printable page
    assert "OMBUD_PDF_FONT" in text and "fonts-wqy-microhei" in text  # what the administrator should do
    if language == "zh-hans":
        assert "The PDF" not in text and "printable page" not in text
    assert any("no CJK font" in r.getMessage() for r in caplog.records)
    assert client.get(url(doc)).status_code == 200  # the printable page still works
    assert not Document.objects.get(pk=doc.pk).pdf


def test_pdf_font_falls_back_to_any_cjk_font_fontconfig_lists(monkeypatch, settings, tmp_path):
    font = tmp_path / "DroidSansFallbackFull.ttf"
    font.write_bytes(b"")
    settings.OMBUD_PDF_FONTS = ["/nonexistent/wqy-microhei.ttc"]
    pdf._fontconfig_cjk.cache_clear()
    monkeypatch.setattr(pdf.shutil, "which", lambda name: "/usr/bin/fc-list")

    class Listed:
        stdout = f"{tmp_path}/notes.txt:\n{font}:\n"

    monkeypatch.setattr(pdf.subprocess, "run", lambda *a, **k: Listed)
    try:
        assert pdf.font_path() == str(font)
    finally:
        pdf._fontconfig_cjk.cache_clear()


def test_system_check_warns_without_a_font(no_font):
    warnings = [m for m in checks.run_checks() if m.id == "ombud.W001"]
    assert len(warnings) == 1 and warnings[0].level == checks.WARNING
    assert "fonts-wqy-microhei" in warnings[0].hint and "OMBUD_PDF_FONT" in warnings[0].hint


def test_system_check_is_quiet_with_a_font(settings):
    assert pdf.find_font() is not None  # this machine has fonts-wqy-microhei (CI installs it)
    assert not [m for m in checks.run_checks() if m.id == "ombud.W001"]


def test_demo_prints_a_line_per_phase_and_shows_every_state(settings):
    from ombud.cases.models import Case, Status

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    err = io.StringIO()
    call_command("demo", cases=200, seed=3, generated=0, stdout=io.StringIO(), stderr=err)
    lines = [line for line in err.getvalue().splitlines() if line.startswith("[demo")]
    assert len(lines) == 6, err.getvalue()
    assert "businesses: 300" in lines[1] and "cases:" in lines[2] and "cases walked" in lines[3]
    assert "accounts queued for review" in lines[4] and "published complaints" in lines[5]
    from ombud.disclosure.models import PublishedComplaint

    assert PublishedComplaint.objects.filter(has_narrative=True).exists()  # something to search on first run
    # Only a sample walks through the services, yet every state a case can stop in is there.
    assert set(Status.values) - set(Case.objects.values_list("status", flat=True)) == set()


def test_an_integrator_key_sees_only_the_cases_it_submitted():  # as the README and the API docs say
    mine, other = make_api("integrator"), make_api("integrator")
    ticket = mine.post("/cases", complaint()).json()["ticket"]
    theirs = other.post("/cases", complaint()).json()["ticket"]
    listed = [c["ticket"] for c in mine.get("/cases").json()["items"]]
    assert ticket in listed and theirs not in listed
    assert mine.get(f"/cases/{theirs}").status_code == 404
