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
