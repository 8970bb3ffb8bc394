from django.db import models
from django.utils.translation import gettext_lazy as _

from ombud.regions.models import Region


class Business(models.Model):
    """A respondent: the business complained about or reported."""

    class Kind(models.TextChoices):
        ORDINARY = "ordinary", _("ordinary business")
        PLATFORM = "platform", _("e-commerce platform")
        MERCHANT = "merchant", _("merchant on a platform")
        SELF_OPERATED = "self_operated", _("self-operated site")

    name = models.CharField(max_length=200)
    name_key = models.CharField(max_length=200, db_index=True)  # normalised for matching
    uscc = models.CharField(max_length=18, unique=True, null=True, blank=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.ORDINARY)
    platform = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="merchants", limit_choices_to={"kind": Kind.PLATFORM})
    registered_address = models.CharField(max_length=300, blank=True)
    registered_region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.PROTECT,
                                          related_name="+")
    registered_confidence = models.FloatField(default=0)
    operating_address = models.CharField(max_length=300, blank=True)
    operating_region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.PROTECT,
                                         related_name="+")
    operating_confidence = models.FloatField(default=0)
    # R2026 platform fallback: a merchant with no published address, or not reachable at it.
    address_published = models.BooleanField(default=True)
    reachable = models.BooleanField(default=True)
    address_needs_review = models.BooleanField(default=False)
    address_candidates = models.JSONField(default=list, blank=True)
    contact_phone = models.CharField(max_length=30, blank=True)
    contact_email = models.CharField(max_length=254, blank=True)
    language = models.CharField(max_length=10, blank=True)
    odr_enrolled = models.BooleanField(default=False)
    odr_enrolled_on = models.DateField(null=True, blank=True)
    country = models.CharField(max_length=2, default="CN")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "businesses"
        indexes = [models.Index(fields=["kind"]), models.Index(fields=["odr_enrolled"])]

    def __str__(self):
        return self.name
