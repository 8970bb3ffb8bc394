"""The outbox: messages are written with the step they report and sent after commit, with retries."""
import datetime as dt
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone, translation

from .gateways import SENDERS, DeliveryError, sms_enabled
from .models import Message
from .templates import TEMPLATES

log = logging.getLogger(__name__)
LEASE = dt.timedelta(minutes=5)  # a claimed message is retried if its worker dies before recording a result


class _Blank(dict):
    def __missing__(self, key):
        return ""


def render(template, language, context):
    subject, body = TEMPLATES[template]
    values = _Blank(context)
    with translation.override(language):
        return str(subject).format_map(values), str(body).format_map(values).strip()


def _language(value):
    return value if value in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def addresses(phone="", email=""):
    """[(channel, address)] for a party: SMS when a gateway is configured, email when there is one."""
    out = []
    if phone and sms_enabled():
        out.append((Message.SMS, phone))
    if email:
        out.append((Message.EMAIL, email))
    return out


def _message(*, to, channel, recipient, template, context, language="", case=None, document=None,
             dedupe_key=None, now=None):
    language = _language(language)
    subject, body = render(template, language, context)
    return Message(channel=channel, to=to, recipient=recipient, language=language, template=template,
                   subject=subject, body=body, case=case, document=document, dedupe_key=dedupe_key,
                   next_attempt_at=now or timezone.now())


def enqueue_many(items):
    """Write messages (inside the caller's transaction) in one statement and wake the sender after
    commit; `items` are `enqueue`'s keyword dicts. A dedupe key already written is skipped: an alert
    goes out once. Returns the messages built."""
    now = timezone.now()
    rows = [_message(**item, now=now) for item in items]
    Message.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
    if rows:
        transaction.on_commit(_wake)
    return rows


def enqueue(**item):
    return enqueue_many([item])[0]


def _wake():
    from .tasks import drain_outbox

    try:
        drain_outbox()
    except Exception:  # the periodic drain picks it up; a queue outage must not fail the request
        log.exception("could not enqueue the outbox drain")


def notify_party(*, case, party, template, context, document=None):
    """Message the complainant or the respondent of a case in their own language, by SMS and/or email."""
    if party == "complainant":
        if case.anonymous:
            return []
        language, channels = case.language, addresses(case.complainant_phone, case.complainant_email)
    else:
        business = case.respondent
        if business is None or case.kind != "complaint":  # a reported business is never told who reported it
            return []
        language, channels = business.language, addresses(business.contact_phone, business.contact_email)
    return [enqueue(to=to, channel=channel, recipient=party, template=template, context=context,
                    language=language, case=case, document=document) for channel, to in channels]


def notify_users(*, users, recipient, template, context, case=None, dedupe_prefix=None):
    """Email staff or administrators, each in the language of their profile."""
    return enqueue_many([
        {"to": user.email, "channel": Message.EMAIL, "recipient": recipient, "template": template,
         "context": context, "case": case, "language": getattr(getattr(user, "profile", None), "language", ""),
         "dedupe_key": f"{dedupe_prefix}:{user.pk}" if dedupe_prefix else None}
        for user in users if user.email])


def alert_admins(*, key, template, context):
    admins = (get_user_model().objects.filter(is_active=True)
              .filter(Q(is_superuser=True) | Q(profile__role="admin")).select_related("profile"))
    return notify_users(users=admins, recipient="admin", template=template, context=context, dedupe_prefix=key)


# ---- sending ---------------------------------------------------------------------------------

def backoff(attempts):
    """30 s, 2 min, 8 min, 32 min, ~2 h: the delay before attempt `attempts + 1`."""
    return dt.timedelta(seconds=min(30 * 4 ** (attempts - 1), 6 * 3600))


def _claim(limit, now):
    with transaction.atomic():
        qs = Message.objects.filter(status=Message.PENDING, next_attempt_at__lte=now).order_by("next_attempt_at", "id")
        if connection.features.has_select_for_update_skip_locked:
            qs = qs.select_for_update(skip_locked=True)
        batch = list(qs[:limit])
        Message.objects.filter(pk__in=[m.pk for m in batch]).update(next_attempt_at=now + LEASE)
    return batch


def drain(*, limit=200, now=None):
    """Send what is due; returns {"sent": n, "retry": n, "dead": n}. Safe to run in several workers."""
    now = now or timezone.now()
    counts = {"sent": 0, "retry": 0, "dead": 0}
    for message in _claim(limit, now):
        counts[_deliver(message)] += 1
    return counts


def _deliver(message):
    message.attempts += 1
    try:
        SENDERS[message.channel](message)
    except DeliveryError as exc:
        message.last_error = str(exc)[:2000]
        if message.attempts >= Message.MAX_ATTEMPTS:
            message.status = Message.DEAD
        else:
            message.next_attempt_at = timezone.now() + backoff(message.attempts)
        message.save(update_fields=["attempts", "last_error", "status", "next_attempt_at"])
        log.warning("message %s attempt %s failed: %s", message.pk, message.attempts, exc)
        return "dead" if message.status == Message.DEAD else "retry"
    message.status, message.sent_at, message.last_error = Message.SENT, timezone.now(), ""
    message.save(update_fields=["attempts", "last_error", "status", "sent_at"])
    return "sent"


def requeue(*, ids):
    """Staff send dead letters again (after fixing an address or the gateway)."""
    return Message.objects.filter(pk__in=ids, status=Message.DEAD).update(
        status=Message.PENDING, attempts=0, next_attempt_at=timezone.now(), last_error="")
