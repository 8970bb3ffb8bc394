"""The outbox: real SMTP (aiosmtpd), an HTTP SMS gateway, retries with backoff, dead letters."""
import datetime as dt
import json
import socket
import threading
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from ombud.notify import services
from ombud.notify.models import Message

from .conftest import complaint, make_api
from .workflow_helpers import USCC, odr_business

pytestmark = pytest.mark.django_db


class _Inbox:
    def __init__(self):
        self.mails = []

    async def handle_DATA(self, server, session, envelope):
        self.mails.append((envelope.rcpt_tos, message_from_bytes(envelope.content, policy=policy.default)))
        return "250 OK"


@pytest.fixture
def smtp(settings):
    inbox = _Inbox()
    with socket.socket() as probe:  # a free port: the controller cannot start on port 0
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    yield inbox
    controller.stop()


class _Gateway(BaseHTTPRequestHandler):
    received, fail = [], [False]

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        if self.fail[0]:
            self.send_response(503)
        else:
            self.received.append({**body, "auth": self.headers.get("Authorization")})
            self.send_response(202)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def sms(settings):
    _Gateway.received, _Gateway.fail = [], [False]
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Gateway)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.OMBUD_SMS_URL = f"http://127.0.0.1:{server.server_address[1]}/send"
    settings.OMBUD_SMS_TOKEN = "gw-secret"
    yield _Gateway
    server.shutdown()


def _accepted_case(language="en"):
    odr_business()
    body = complaint(language=language,
                     respondent={"name": "上海浦东鸿运家电销售有限公司", "uscc": USCC, "address": "上海市浦东新区张江路100号"},
                     complainant={"name": "Li Lei", "phone": "13800138000", "email": "lilei@example.com",
                                  "address": "上海市徐汇区漕溪北路1号"})
    t = make_api("integrator").post("/cases", body).json()["ticket"]
    r = make_api("handler", "310115").post(f"/cases/{t}/actions/accept", {})
    assert r.status_code == 200
    return t


def test_each_party_hears_in_its_own_language_by_email_and_sms(smtp, sms):
    t = _accepted_case(language="en")
    assert services.drain() == {"sent": 4, "retry": 0, "dead": 0}
    mails = {to[0]: mail for to, mail in smtp.mails}
    consumer_mail, firm_mail = mails["lilei@example.com"], mails["service@hongyun.example"]
    assert consumer_mail["Subject"].startswith("Complaint") and "accepted" in consumer_mail["Subject"]
    assert "投诉" in firm_mail["Subject"] and "受理" in firm_mail["Subject"]
    body = consumer_mail.get_content()
    assert "浦东市监受〔2026〕第" in body and "/d/" in body  # the decision's number and its link
    texts = {m["to"]: m for m in sms.received}
    assert set(texts) == {"13800138000", "02150001234"} and texts["13800138000"]["auth"] == "Bearer gw-secret"
    assert Message.objects.filter(case__ticket=t, status="sent").count() == 4


def test_failed_sms_is_retried_with_backoff_then_dead_lettered_and_requeued(sms, settings):
    _Gateway.fail[0] = True
    _accepted_case()
    message = Message.objects.get(channel="sms", to="13800138000")
    delays = []
    for attempt in range(1, Message.MAX_ATTEMPTS + 1):
        services.drain(now=timezone.now() + dt.timedelta(days=attempt))
        message.refresh_from_db()
        assert message.attempts == attempt and "503" in message.last_error
        if message.status == "pending":
            delays.append(round((message.next_attempt_at - timezone.now()).total_seconds() / 30))
    assert message.status == "dead"
    assert delays == [1, 4, 16, 64, 256]  # 30 s, 2 min, 8 min, 32 min, ~2 h
    _Gateway.fail[0] = False
    assert services.requeue(ids=[message.pk]) == 1
    services.drain()
    message.refresh_from_db()
    assert message.status == "sent" and [m["to"] for m in sms.received].count("13800138000") == 1


def test_staff_see_dead_letters_in_the_admin(sms):
    _Gateway.fail[0] = True
    _accepted_case()
    Message.objects.filter(channel="sms").update(status="dead", attempts=6, last_error="SMS gateway answered 503")
    admin = get_user_model().objects.create_superuser("admin", "admin@example.com", "x")
    client = Client()
    client.force_login(admin)
    page = client.get("/admin/notify/message/", {"status__exact": "dead"})
    assert page.status_code == 200 and "SMS gateway answered 503" in page.content.decode()


def test_a_reporter_is_never_named_to_the_reported_business(sms):
    odr_business()
    report = {"kind": "report", "channel": "web", "complainant": {"name": "李四", "phone": "13900139000"},
              "respondent": {"name": "上海浦东鸿运家电销售有限公司", "uscc": USCC}, "facts": "无照经营",
              "conduct_address": "上海市浦东新区张江路100号", "violation_type": "unlicensed"}
    t = make_api("integrator").post("/cases", report).json()["ticket"]
    h = make_api("handler", "310115")
    h.post(f"/cases/{t}/actions/file_case", {})
    h.post(f"/cases/{t}/actions/notify_reporter", {})
    services.drain()
    assert [m["to"] for m in sms.received] == ["13900139000"]
