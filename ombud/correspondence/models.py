"""The message thread of a case: consumer, business (ODR lane) and the authority."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ombud.cases.models import Attachment, Case


class Audience(models.TextChoices):
    ALL = "all", _("everyone on the case")  # the business too, in the ODR lane
    CONSUMER_STAFF = "consumer_staff", _("the consumer and the bureau")
    STAFF = "staff", _("the bureau only")


class CaseMessage(models.Model):
    """One message, append-only like the case's events (each one also writes a CaseEvent)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="+", db_index=False,
                             verbose_name=_("case"))
    at = models.DateTimeField(_("when"))
    author_role = models.CharField(_("author's role"), max_length=20)  # consumer, business, or a staff role
    author_user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", db_index=False, db_constraint=False, verbose_name=_("author"))
    audience = models.CharField(_("audience"), max_length=20, choices=Audience.choices)
    body = models.TextField(_("text"), blank=True)
    # A file is private (never served to the business) unless a message to everyone carries it.
    attachments = models.ManyToManyField(Attachment, blank=True, related_name="messages", verbose_name=_("files"))

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["case", "at"], name="message_case_at")]
        verbose_name = _("case message")
        verbose_name_plural = _("case messages")

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RuntimeError("case messages are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("case messages are append-only")
