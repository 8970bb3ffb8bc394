from django.db import models
from django.utils.translation import gettext_lazy as _


class RegionEdition(models.Model):
    """One loaded edition of the GB/T 2260 division codes."""

    name = models.CharField(max_length=120)
    source = models.CharField(max_length=200)
    as_of = models.DateField(null=True, blank=True)
    loaded_at = models.DateTimeField(auto_now_add=True)
    regions = models.PositiveIntegerField(default=0)
    is_current = models.BooleanField(default=False)

    def __str__(self):
        return self.name


class Region(models.Model):
    class Level(models.IntegerChoices):
        NATION = 0, _("nation")
        PROVINCE = 1, _("province")
        PREFECTURE = 2, _("prefecture")
        COUNTY = 3, _("county")

    code = models.CharField(max_length=6, primary_key=True)
    name = models.CharField(max_length=64)
    level = models.PositiveSmallIntegerField(choices=Level.choices)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    # The code with trailing zero pairs cut: "31", "3101", "310115". Subtree queries use it.
    path = models.CharField(max_length=6, db_index=True)
    full_name = models.CharField(max_length=200)
    active = models.BooleanField(default=True)
    edition = models.ForeignKey(RegionEdition, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.full_name}"


class Authority(models.Model):
    """A body that handles cases: a market-supervision bureau, a consumer association, an office."""

    class Kind(models.TextChoices):
        AMR = "amr", _("market supervision authority")
        ASSOCIATION = "association", _("consumer association")
        OFFICE = "office", _("dispatched office")

    code = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.AMR)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="authorities")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    path = models.CharField(max_length=6, db_index=True, blank=True)
    level = models.PositiveSmallIntegerField(choices=Region.Level.choices)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["code"]
        verbose_name_plural = "authorities"

    def __str__(self):
        return f"{self.code} {self.name}"

    def covers(self, other):
        """True if `other` lies in this authority's region subtree."""
        return other.path.startswith(self.path)
