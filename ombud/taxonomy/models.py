from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Term(models.Model):
    """One entry of an administrator-editable taxonomy. Retired terms stay for old cases."""

    class Scheme(models.TextChoices):
        CATEGORY = "category", _("goods or service category")
        ISSUE = "issue", _("issue type")
        VIOLATION = "violation", _("report violation type")

    scheme = models.CharField(max_length=20, choices=Scheme.choices)
    code = models.CharField(max_length=60)
    group = models.CharField(max_length=20, blank=True)  # "goods" / "services" for categories
    name_zh = models.CharField(max_length=100)
    name_en = models.CharField(max_length=100)
    sort = models.PositiveIntegerField(default=0)
    active = models.BooleanField(default=True)
    version = models.PositiveIntegerField(default=1)  # taxonomy version that introduced the term
    retired_in = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["scheme", "sort", "code"]
        constraints = [models.UniqueConstraint(fields=["scheme", "code"], name="term_scheme_code")]

    def __str__(self):
        return f"{self.scheme}:{self.code}"

    @property
    def name(self):
        return self.name_en if (get_language() or "").startswith("en") else self.name_zh
