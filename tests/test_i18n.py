import pytest
from django.utils import translation

from ombud.cases.models import Kind

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("lang,title,kind", [
    ("zh-hans", "消费投诉、举报和咨询", "投诉"),
    ("en", "Consumer complaints, reports and consultations", "complaint"),
])
def test_both_languages_ship(client, lang, title, kind):
    r = client.get("/", headers={"Accept-Language": lang})
    assert r.status_code == 200 and title in r.content.decode()
    with translation.override(lang):
        assert str(Kind.COMPLAINT.label) == kind


def test_every_chinese_message_is_translated():
    from pathlib import Path

    import ombud

    po = (Path(ombud.__file__).parent / "locale/zh_Hans/LC_MESSAGES/django.po").read_text(encoding="utf-8")
    entries = [e for e in po.split("\n\n") if "msgid" in e and 'msgid ""\nmsgstr ""\n"' not in e]
    untranslated = [e for e in entries if e.rstrip().endswith('msgstr ""')]
    assert untranslated == []


def test_catalogues_compile_cleanly():
    """A broken .po still leaves the old .mo behind; catch it here, not in front of a user."""
    import shutil
    import subprocess
    from pathlib import Path

    import ombud

    if shutil.which("msgfmt") is None:
        pytest.skip("gettext's msgfmt is not installed (.ci/run installs it)")
    for lang in ("zh_Hans", "en"):
        po = Path(ombud.__file__).parent / f"locale/{lang}/LC_MESSAGES/django.po"
        result = subprocess.run(["msgfmt", "--check-format", "-o", "/dev/null", str(po)], capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
        mo = po.with_suffix(".mo")
        assert mo.stat().st_mtime >= po.stat().st_mtime - 1, f"{mo} is older than {po}: run `make messages`"


@pytest.mark.time_machine("2026-12-02T10:00:00+08:00")
def test_an_english_page_writes_a_day_one_way():
    """The header said "Dec. 2, 2026" and the timeline "12/02/2026": one form, in both."""
    from .conftest import complaint, make_api
    from .workflow_helpers import signed_in

    t = make_api("integrator").post("/cases", complaint()).json()["ticket"]
    client, _ = signed_in("handler", "handler", authority="310115", language="en")
    html = client.get(f"/desk/case/{t}/").content.decode()
    assert "12/02/2026" not in html and html.count("Dec. 2, 2026") >= 3  # header, timeline, deadline table
