"""Hardening finding 10: evidence files are typed by their bytes, always downloaded (never rendered), images
shown inline only from a re-encoded copy, only to those in the case's scope, and every download logged."""
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from ombud.cases.models import Attachment, PersonalDataView

from .conftest import ON_AN_R2026_DAY, make_api
from .test_desk_case import _filed, _user
from .workflow_helpers import odr_business

pytestmark = [pytest.mark.django_db, ON_AN_R2026_DAY]  # _filed files a purchase on 2026-10-03

OCTET = "application/octet-stream"
HTML = b"<!DOCTYPE html><html><body><script>fetch('/desk/').then(r => r.text()).then(alert)</script></body></html>"
POLYGLOT = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"<script>alert(document.cookie)</script>" * 20


def _jpeg(trailer=b""):
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(out, "JPEG")
    return out.getvalue() + trailer


@pytest.fixture
def people(db):
    business = odr_business()
    return {"handler": _user("handler", "handler", "310115"), "xuhui": _user("xuhui", "handler", "310104"),
            "firm": _user("firm", "business", business=business), "consumer": _user("me", "consumer")}


def _file(name, content, claimed):
    ticket = _filed(files=[SimpleUploadedFile(name, content, content_type=claimed)])
    attachment = Attachment.objects.get(case__ticket=ticket)
    return ticket, attachment, f"/desk/case/{ticket}/files/{attachment.pk}"


def _body(response):
    return b"".join(response.streaming_content)


def _a_download(response, ctype):
    assert response.status_code == 200 and response["Content-Type"] == ctype
    assert response["Content-Disposition"].startswith("attachment") and response["X-Content-Type-Options"] == "nosniff"


def test_an_html_file_is_kept_and_served_as_an_octet_stream_download(people):
    ticket, attachment, url = _file("chat.html", HTML, "text/plain")  # the client's claim does not count
    assert attachment.content_type == OCTET
    response = people["handler"].get(url)
    _a_download(response, OCTET)
    assert _body(response) == HTML  # the evidence itself is kept as it came
    assert people["handler"].get(f"{url}/preview").status_code == 404  # never shown inline
    # A file kept as text/plain before this fix is typed again by its bytes when it is downloaded.
    Attachment.objects.filter(pk=attachment.pk).update(content_type="text/plain")
    _a_download(people["handler"].get(url), OCTET)


def test_a_jpeg_header_before_a_script_is_not_trusted_as_an_image(people):
    ticket, attachment, url = _file("photo.jpg", POLYGLOT, "image/jpeg")
    assert attachment.content_type == OCTET  # it does not decode, so it is not an image
    _a_download(people["handler"].get(url), OCTET)
    assert people["handler"].get(f"{url}/preview").status_code == 404
    page = people["handler"].get(f"/desk/case/{ticket}/").content.decode()
    assert f"files/{attachment.pk}" in page and f"files/{attachment.pk}/preview" not in page
    # Kept as image/jpeg before this fix: still not served as one, nor previewed.
    Attachment.objects.filter(pk=attachment.pk).update(content_type="image/jpeg")
    _a_download(people["handler"].get(url), OCTET)
    assert people["handler"].get(f"{url}/preview").status_code == 404


def test_a_real_image_is_shown_inline_only_as_a_re_encoded_copy(people):
    original = _jpeg(trailer=b"<script>alert(1)</script>")  # a valid JPEG carrying a script after its end
    ticket, attachment, url = _file("receipt.jpg", original, "application/octet-stream")
    assert attachment.content_type == "image/jpeg"  # typed by its bytes, not by the claim
    download = people["handler"].get(url)
    _a_download(download, "image/jpeg")
    assert _body(download) == original
    page = people["handler"].get(f"/desk/case/{ticket}/").content.decode()
    assert f'src="/desk/case/{ticket}/files/{attachment.pk}/preview"' in page
    shown = people["handler"].get(f"{url}/preview")
    assert shown.status_code == 200 and shown["Content-Type"] == "image/jpeg"
    assert shown["Content-Disposition"] == "inline" and shown["X-Content-Type-Options"] == "nosniff"
    assert shown.content != original and b"<script>" not in shown.content  # new bytes from the pixels only
    assert Image.open(io.BytesIO(shown.content)).size == (64, 48)


def test_text_and_pdf_keep_their_type(people):
    text = ("投诉记录：冰箱不制冷。" * 2000).encode()  # > 64 KB of three-byte characters
    _ticket, attachment, _url = _file("notes.txt", text, "text/plain")
    assert attachment.content_type == "text/plain"  # a character cut where the type is read is no fault
    handler = people["handler"]
    _a_download(handler.get(_url), "text/plain; charset=utf-8")
    _ticket, attachment, url = _file("receipt.pdf", b"%PDF-1.4\n% a receipt\n", "application/pdf")
    _a_download(handler.get(url), "application/pdf")


def test_only_those_in_the_case_s_scope_get_a_file(people):
    ticket, attachment, url = _file("photo.jpg", _jpeg(), "image/jpeg")
    for path in (url, f"{url}/preview"):
        assert people["handler"].get(path).status_code == 200
        assert people["xuhui"].get(path).status_code == 404  # another county
    public = f"/case/{ticket}/files/{attachment.pk}"
    for path in (public, f"{public}/preview"):
        assert Client().get(path).status_code == 404  # not tracking this case
        assert people["consumer"].get(path).status_code == 404  # another consumer
    business = f"/business/case/{ticket}/files/{attachment.pk}"
    assert people["firm"].get(business).status_code == 404  # the consumer's own file is private
    assert people["firm"].get(f"{business}/preview").status_code == 404
    assert PersonalDataView.objects.filter(case__ticket=ticket, user__username="xuhui").count() == 0


def test_every_download_and_preview_is_logged(people):
    ticket, attachment, url = _file("photo.jpg", _jpeg(), "image/jpeg")
    people["handler"].get(url)
    people["handler"].get(url)
    people["handler"].get(f"{url}/preview")
    log = PersonalDataView.objects.filter(case__ticket=ticket)
    assert log.filter(where="desk_file", user__username="handler", role="handler").count() == 2
    assert log.filter(where="desk_preview", user__username="handler").count() == 1
    tracker = Client()  # the complainant, tracking the case: their downloads are logged too
    assert tracker.post("/track/", {"ticket": ticket, "phone": "13800138000"}).status_code == 302
    assert tracker.get(f"/case/{ticket}/files/{attachment.pk}").status_code == 200
    assert log.filter(where="public_file", user=None, role="consumer").count() == 1


def test_the_api_serves_a_file_by_its_sha256_within_scope_and_logs_it(people):
    ticket, attachment, _url = _file("notes.html", HTML, "text/html")
    handler = make_api("handler", "310115")
    response = handler.client.get(f"/api/v1/cases/{ticket}/attachments/{attachment.sha256}",
                                  headers=handler._headers())
    _a_download(response, OCTET)
    assert _body(response) == HTML
    assert PersonalDataView.objects.filter(case__ticket=ticket, where="api_file", role="handler").count() == 1
    other = make_api("handler", "310104")
    refused = other.get(f"/cases/{ticket}/attachments/{attachment.sha256}")
    assert refused.status_code == 404 and refused.json()["detail"]
    missing = handler.get(f"/cases/{ticket}/attachments/{'0' * 64}")
    assert missing.status_code == 404 and missing.json() == {"detail": "no such file on this case"}
    assert PersonalDataView.objects.filter(case__ticket=ticket, where="api_file").count() == 1
