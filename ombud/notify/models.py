from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Message(models.Model):
    """One outgoing SMS or email, written in the same transaction as the step it reports.

    A worker drains pending messages; a failure is retried with backoff and, after
    `MAX_ATTEMPTS`, the message is dead-lettered for staff to inspect and re-queue.
    """

    EMAIL, SMS = "email", "sms"
    PENDING, SENT, DEAD = "pending", "sent", "dead"
    MAX_ATTEMPTS = 6

    channel = models.CharField(max_length=10, choices=[(EMAIL, _("email")), (SMS, "SMS")])
    to = models.CharField(max_length=254)
    recipient = models.CharField(max_length=20)  # complainant, respondent, handler, supervisor, admin
    language = models.CharField(max_length=10)
    template = models.CharField(max_length=40)
    subject = models.CharField(max_length=200, blank=True)
    body = models.TextField()
    case = models.ForeignKey("cases.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                             db_index=False)
    document = models.ForeignKey("documents.Document", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+", db_index=False)
    dedupe_key = models.CharField(max_length=120, null=True, blank=True)
    status = models.CharField(max_length=10, default=PENDING,
                              choices=[(PENDING, _("pending")), (SENT, _("sent")), (DEAD, _("dead letter"))])
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["dedupe_key"], name="message_dedupe_key")]
        indexes = [
            models.Index(fields=["next_attempt_at"], name="message_pending_next",
                         condition=Q(status="pending")),
            models.Index(fields=["case"], name="message_case"),
        ]

    def __str__(self):
        return f"{self.get_channel_display()} → {self.to}: {self.template}"
