"""Issue 11, part 1: findings of the security review, each with a test that failed on the code it found."""
import datetime as dt
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import time_machine
from django.core import signing
from django.test import Client

from ombud.documents.models import Document

from .conftest import ON_AN_R2026_DAY, complaint, make_api
from .workflow_helpers import signed_in

ROOT = Path(__file__).resolve().parent.parent
PUBLISHED_KEY = "dev-only-insecure-key-change-me"


def _settings_key(env):
    """The SECRET_KEY a fresh process settles on, or its error."""
    code = "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='ombud.settings'; django.setup(); " \
           "from django.conf import settings; print(settings.SECRET_KEY)"
    base = {k: v for k, v in os.environ.items() if k != "OMBUD_SECRET_KEY"}
    return subprocess.run([sys.executable, "-c", code], env={**base, **env}, cwd=ROOT, capture_output=True, text=True,
                          timeout=120)


def test_a_published_or_short_secret_key_is_refused_at_start(tmp_path):
    for weak in (PUBLISHED_KEY, "short-key"):
        run = _settings_key({"OMBUD_SECRET_KEY": weak, "OMBUD_DATA_DIR": str(tmp_path)})
        assert run.returncode != 0 and "OMBUD_SECRET_KEY" in run.stderr, run.stdout


def test_without_a_key_a_random_one_is_generated_once_and_kept_private(tmp_path):
    first = _settings_key({"OMBUD_DATA_DIR": str(tmp_path)})
    second = _settings_key({"OMBUD_DATA_DIR": str(tmp_path)})
    assert first.returncode == 0, first.stderr
    key = first.stdout.strip()
    assert key == second.stdout.strip() and key != PUBLISHED_KEY and len(key) >= 50
    mode = stat.S_IMODE((tmp_path / "secret_key").stat().st_mode)
    assert mode == 0o600
    other = _settings_key({"OMBUD_DATA_DIR": str(tmp_path / "elsewhere")})
    assert other.stdout.strip() != key  # each installation its own


def _termination():
    filer, h = make_api("integrator"), make_api("handler", "310115")
    ticket = filer.post("/cases", complaint()).json()["ticket"]
    h.post(f"/cases/{ticket}/actions/accept", {})
    h.post(f"/cases/{ticket}/actions/terminate", {"ground": 2, "reason": "被投诉人拒绝调解"})
    return Document.objects.get(form="termination")


@pytest.mark.django_db
@ON_AN_R2026_DAY
def test_a_document_link_signed_with_the_published_key_opens_nothing():
    from ombud.documents.selectors import _SALT

    doc = _termination()
    forged = signing.dumps(doc.pk, key=PUBLISHED_KEY, salt=_SALT, compress=True)
    assert Client().get(f"/d/{forged}/").status_code == 404
    assert Client().get(f"/d/{forged}/pdf").status_code == 404


@pytest.mark.django_db
@ON_AN_R2026_DAY
def test_a_document_link_expires(settings):
    from ombud.documents.selectors import url

    settings.OMBUD_DOCUMENT_LINK_DAYS = 30
    doc = _termination()
    link = url(doc)
    assert Client().get(link).status_code == 200
    with time_machine.travel(dt.timedelta(days=31)):
        assert Client().get(link).status_code == 404
        assert Client().get(url(doc)).status_code == 200  # a link made now works again


@pytest.mark.django_db
@ON_AN_R2026_DAY
def test_a_signed_in_viewer_needs_the_right_to_the_case_as_well_as_the_link():
    from ombud.documents.selectors import url

    doc = _termination()
    link = url(doc)
    pudong, _user = signed_in("pudong-handler", "handler", authority="310115")
    chaoyang, _user = signed_in("chaoyang-handler", "handler", authority="110105")
    assert pudong.get(link).status_code == 200
    assert chaoyang.get(link).status_code == 404  # holding another authority's link gives no case
    assert chaoyang.get(link + "pdf").status_code == 404
    assert Client().get(link).status_code == 200  # not signed in: the link itself is the credential


# ---- finding 3: one throttling policy for pages and API, per client and per ticket -------------------

@pytest.fixture
def limits(settings):
    settings.OMBUD_RATE_LIMITS = True
    settings.OMBUD_TRACKING_PER_HOUR, settings.OMBUD_TRACKING_FAILURES_PER_TICKET = 60, 10
    settings.OMBUD_PUBLIC_FORMS_PER_HOUR = 5
    from django.core.cache import cache

    cache.clear()
    return settings


@pytest.mark.django_db
@ON_AN_R2026_DAY
def test_guessing_a_tickets_phone_over_the_api_is_stopped_with_retry_after(limits):
    ticket = make_api("integrator").post("/cases", complaint()).json()["ticket"]
    client = Client(REMOTE_ADDR="10.1.1.1")
    answers = [client.get(f"/api/v1/cases/{ticket}", {"phone": f"1390000{i:04d}"}).status_code for i in range(10)]
    assert answers == [404] * 10
    refused = client.get(f"/api/v1/cases/{ticket}", {"phone": "13800138000"})  # the right phone, too late
    assert refused.status_code == 429 and 0 < int(refused["Retry-After"]) <= 3600
    assert refused.json()["retry_after"] == int(refused["Retry-After"])


@pytest.mark.django_db
@ON_AN_R2026_DAY
def test_the_ticket_lock_holds_against_many_addresses_and_the_form(limits):
    ticket = make_api("integrator").post("/cases", complaint()).json()["ticket"]
    for i in range(10):  # ten addresses, one wrong guess each
        assert Client(REMOTE_ADDR=f"10.2.0.{i}").get(f"/api/v1/cases/{ticket}",
                                                    {"phone": f"1390000{i:04d}"}).status_code == 404
    page = Client(REMOTE_ADDR="10.2.1.1").post("/track/", {"ticket": ticket, "phone": "13800138000"})
    assert page.status_code == 429 and int(page["Retry-After"]) > 0  # the page shares the ticket's count
    other = make_api("integrator").post("/cases", complaint()).json()["ticket"]
    assert Client(REMOTE_ADDR="10.2.1.1").get(f"/api/v1/cases/{other}", {"phone": "13800138000"}).status_code == 200


@pytest.mark.django_db
@ON_AN_R2026_DAY
def test_public_filing_by_form_and_api_share_one_limit(limits):
    client = Client(REMOTE_ADDR="10.3.0.1")
    body = complaint(complainant={"name": "张三", "phone": "13800138000", "address": "上海市徐汇区漕溪北路1号"})
    import json

    codes = [client.post("/api/v1/cases", json.dumps(body), content_type="application/json").status_code
             for _ in range(5)]
    assert codes == [201] * 5
    refused = client.post("/api/v1/cases", json.dumps(body), content_type="application/json")
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    form = client.post("/complaint/", {"kind": "complaint"})  # the web form counts against the same limit
    assert form.status_code == 429 and int(form["Retry-After"]) > 0
    assert Client(REMOTE_ADDR="10.3.0.2").post("/api/v1/cases", json.dumps(body),
                                               content_type="application/json").status_code == 201
