"""Delivery: email over SMTP (Django's mail backend), SMS over a pluggable HTTP gateway."""
import json
import urllib.error
import urllib.request

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils.module_loading import import_string


class DeliveryError(Exception):
    pass


def send_email(message):
    mail = EmailMessage(subject=message.subject, body=message.body, to=[message.to],
                        headers={"X-Ombud-Message": str(message.pk)})
    try:
        mail.send(fail_silently=False)
    except Exception as exc:  # SMTP and socket errors alike: retried with backoff
        raise DeliveryError(f"{type(exc).__name__}: {exc}") from exc


class HttpSmsGateway:
    """POSTs {"to", "text", "ref"} as JSON to `OMBUD_SMS_URL`; any 2xx is accepted.

    Operators' SMS platforms differ; write another class with `send(message)` and name it in
    `OMBUD_SMS_GATEWAY`.
    """

    def __init__(self, url=None, token=None, timeout=10):
        self.url = url or settings.OMBUD_SMS_URL
        self.token = token if token is not None else settings.OMBUD_SMS_TOKEN
        self.timeout = timeout

    def send(self, message):
        body = json.dumps({"to": message.to, "text": message.body, "ref": str(message.pk)}).encode()
        request = urllib.request.Request(self.url, data=body, method="POST",
                                         headers={"Content-Type": "application/json",
                                                  **({"Authorization": f"Bearer {self.token}"} if self.token else {})})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                if not 200 <= response.status < 300:
                    raise DeliveryError(f"SMS gateway answered {response.status}")
        except urllib.error.HTTPError as exc:
            raise DeliveryError(f"SMS gateway answered {exc.code}") from exc
        except (urllib.error.URLError, OSError) as exc:
            raise DeliveryError(f"SMS gateway unreachable: {exc}") from exc


def sms_enabled():
    return bool(settings.OMBUD_SMS_URL) or settings.OMBUD_SMS_GATEWAY != "ombud.notify.gateways.HttpSmsGateway"


def send_sms(message):
    import_string(settings.OMBUD_SMS_GATEWAY)().send(message)


SENDERS = {"email": send_email, "sms": send_sms}
