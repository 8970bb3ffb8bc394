"""Commitment registries: assured-consumption units (放心消费承诺单位) and offline no-reason return pledges
(线下无理由退货承诺店).

A business applies with its pledge (`Commitment`: scope, days, goods excluded) and its shops; the authority over
the shops approves it, and may reject or revoke it. A complaint against a pledged business about an issue the
registry's rule names is recorded as a possible `Breach`, which the authority upholds or dismisses; upheld
breaches show on the public entry and count against the pledge. Every change is an append-only
`CommitmentEvent` citing the `CommitmentRule` version it rests on. The public searches `Shop` rows, which carry
copies of what a search filters on (registry, listing, category, region levels, name keys), so that every search
is one indexed range on one table, at 1.5 M units.
"""
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Registry(models.TextChoices):
    ASSURED = "assured", _("assured consumption unit")
    RETURNS = "returns", _("offline no-reason return pledge")


class CommitmentRule(models.Model):
    """The rules of one registry, as data. Rows are never changed: a change in the admin saves a new version, and
    events keep citing the version they rested on. The version in force on a day is the highest one whose
    `effective_from` is not after it."""

    registry = models.CharField(_("registry"), max_length=20, choices=Registry.choices)
    version = models.PositiveIntegerField(_("version"), default=1)
    effective_from = models.DateField(_("in force from"))
    title_zh = models.CharField(_("title (Chinese)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)
    text_zh = models.TextField(_("rule text (Chinese)"), blank=True)
    text_en = models.TextField(_("rule text (English)"), blank=True)
    days_required = models.BooleanField(_("a number of days is required"), default=False)
    day_options = models.JSONField(_("day options offered"), default=list, blank=True,
                                   help_text=_("Numbers of days the application form offers, e.g. [7, 15, 30]."))
    min_days = models.PositiveSmallIntegerField(_("fewest days"), default=1)
    max_days = models.PositiveSmallIntegerField(_("most days"), default=90)
    breach_issue_types = models.JSONField(
        _("issue types that may breach the pledge"), default=list, blank=True,
        help_text=_('Issue codes of the taxonomy, e.g. ["after_sales"]: a complaint with one of them against a '
                    "pledged business is flagged as a possible breach."))
    breach_shown_days = models.PositiveIntegerField(
        _("days an upheld breach stays shown"), default=365, validators=[MinValueValidator(1)])
    revoke_after = models.PositiveSmallIntegerField(
        _("upheld breaches that revoke the pledge"), default=3, validators=[MaxValueValidator(100)],
        help_text=_("Upheld breaches shown at one time that revoke the pledge automatically; 0: they only count "
                    "against it."))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("created by"))

    class Meta:
        verbose_name = _("commitment rule")
        verbose_name_plural = _("commitment rules")
        ordering = ("registry", "-version")
        constraints = (models.UniqueConstraint(fields=["registry", "version"], name="commitmentrule_registry_version"),)

    def __str__(self):
        return f"{self.registry} v{self.version}"

    def title(self, english):
        return self.title_en if english else self.title_zh

    def text(self, english):
        return self.text_en if english else self.text_zh

    def clean(self):
        from django.core.exceptions import ValidationError

        from ombud.taxonomy.selectors import active_codes

        errors = {}
        options = self.day_options if isinstance(self.day_options, list) else None
        if options is None or not all(isinstance(d, int) and self.min_days <= d <= self.max_days for d in options):
            errors["day_options"] = _("Give a list of whole numbers of days within the fewest and most days.")
        if self.min_days < 1 or self.min_days > self.max_days:
            errors["min_days"] = _("The fewest days must be at least 1 and not more than the most days.")
        issues = self.breach_issue_types if isinstance(self.breach_issue_types, list) else None
        known = active_codes("issue")
        if issues is None or not all(isinstance(i, str) and i in known for i in issues):
            errors["breach_issue_types"] = _("Give a list of issue codes of the taxonomy: %(codes)s.") % {
                "codes": ", ".join(sorted(known))}
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RuntimeError("commitment rules are versioned: save a new version instead")
        super().save(*args, **kwargs)


class Status(models.TextChoices):
    PENDING = "pending", pgettext_lazy("commitment status", "awaiting approval")
    APPROVED = "approved", pgettext_lazy("commitment status", "approved")
    REJECTED = "rejected", pgettext_lazy("commitment status", "rejected")
    REVOKED = "revoked", pgettext_lazy("commitment status", "revoked")


OPEN_STATUSES = (Status.PENDING, Status.APPROVED)


class Commitment(models.Model):
    """One business's pledge in one registry, with its shops. `region_path` is the path of the lowest region
    holding all its shops: the authority over it (or above) decides."""

    business = models.ForeignKey("businesses.Business", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("business"))
    name = models.CharField(_("business name"), max_length=200)  # as it was when applying
    registry = models.CharField(_("registry"), max_length=20, choices=Registry.choices)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    category = models.CharField(_("goods or service category"), max_length=60)
    scope = models.TextField(_("what the pledge covers"))
    days = models.PositiveSmallIntegerField(_("days"), null=True, blank=True)
    excluded = models.TextField(_("goods excluded"), blank=True)
    region_path = models.CharField(_("region path"), max_length=6, blank=True)
    rule = models.ForeignKey(CommitmentRule, on_delete=models.PROTECT, related_name="+", verbose_name=_("rule"))
    applied_at = models.DateTimeField(_("applied at"))
    applied_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("applied by"))
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("decided by"))
    ended_at = models.DateTimeField(_("rejected or revoked at"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        constraints = (models.UniqueConstraint(fields=["business", "registry"], condition=Q(status__in=OPEN_STATUSES),
                                               name="commitment_one_open_per_registry"),)
        indexes = (models.Index(fields=["status", "region_path"], name="commitment_status_region",
                                opclasses=["varchar_pattern_ops", "varchar_pattern_ops"]),)

    def __str__(self):
        return f"{self.name} ({self.registry})"

    def active_on(self, moment):
        """Approved at `moment`: approved before it and not revoked by then."""
        return (self.approved_at is not None and self.approved_at <= moment
                and (self.status == Status.APPROVED or (self.ended_at and self.ended_at > moment)))


class Shop(models.Model):
    """A shop of a pledge, and the row the public search reads. The registry, listing, category and name keys
    are copies of the pledge's, kept in step by the services; the region columns are the county's code cut at
    each level ("31", "3101", "310115"), so a subtree is an equality, indexable everywhere."""

    commitment = models.ForeignKey(Commitment, on_delete=models.PROTECT, related_name="shops",
                                   verbose_name=_("commitment"))
    name = models.CharField(_("shop name"), max_length=200, blank=True)
    address = models.CharField(_("address"), max_length=300)
    county = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", db_index=False,
                               verbose_name=_("county"))
    province = models.CharField(max_length=2)
    prefecture = models.CharField(max_length=4)
    registry = models.CharField(max_length=20, choices=Registry.choices)
    category = models.CharField(max_length=60)
    listed = models.BooleanField(_("listed"), default=False)  # pledge approved: the public finds the shop
    name_key = models.CharField(_("name key"), max_length=200)  # the business's name, as businesses.services.name_key
    brand_key = models.CharField(_("trade name key"), max_length=200)  # less the leading region names: 字号

    class Meta:
        verbose_name = _("shop")
        verbose_name_plural = _("shops")
        # Only listed shops are searched: partial indexes, one per way in, each ending in id for keyset pages.
        # PostgreSQL's pattern opclass serves LIKE 'x%' whatever the database's collation; SQLite ignores it.
        indexes = (
            models.Index(fields=["county", "registry", "id"], condition=Q(listed=True), name="shop_county"),
            models.Index(fields=["prefecture", "registry", "id"], condition=Q(listed=True), name="shop_prefecture"),
            models.Index(fields=["province", "registry", "id"], condition=Q(listed=True), name="shop_province"),
            models.Index(fields=["province", "category", "registry", "id"], condition=Q(listed=True),
                         name="shop_province_category"),
            models.Index(fields=["name_key"], condition=Q(listed=True), name="shop_name",
                         opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["brand_key"], condition=Q(listed=True), name="shop_brand",
                         opclasses=["varchar_pattern_ops"]),
        )

    def __str__(self):
        return self.name or self.address


class BreachStatus(models.TextChoices):
    POSSIBLE = "possible", pgettext_lazy("breach status", "possible breach")
    UPHELD = "upheld", pgettext_lazy("breach status", "upheld")
    DISMISSED = "dismissed", pgettext_lazy("breach status", "dismissed")


class Breach(models.Model):
    """A complaint that may show the pledge broken. Flagged at intake; the authority upholds or dismisses it."""

    commitment = models.ForeignKey(Commitment, on_delete=models.PROTECT, related_name="breaches",
                                   verbose_name=_("commitment"))
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+", verbose_name=_("case"))
    rule = models.ForeignKey(CommitmentRule, on_delete=models.PROTECT, related_name="+", verbose_name=_("rule"))
    status = models.CharField(_("status"), max_length=20, choices=BreachStatus.choices,
                              default=BreachStatus.POSSIBLE)
    issue_type = models.CharField(_("issue type"), max_length=60)
    received_at = models.DateTimeField(_("complaint received"))
    flagged_at = models.DateTimeField(_("flagged at"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("decided by"))
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("possible breach")
        verbose_name_plural = _("possible breaches")
        constraints = (models.UniqueConstraint(fields=["commitment", "case"], name="breach_commitment_case"),)
        indexes = (models.Index(fields=["commitment", "status", "decided_at"], name="breach_commitment_status"),
                   models.Index(fields=["status", "flagged_at"], name="breach_status_flagged"))

    def __str__(self):
        return f"{self.commitment_id}:{self.case_id} {self.status}"


class Action(models.TextChoices):
    APPLIED = "applied", pgettext_lazy("commitment event", "applied")
    APPROVED = "approved", pgettext_lazy("commitment event", "approved")
    REJECTED = "rejected", pgettext_lazy("commitment event", "rejected")
    REVOKED = "revoked", pgettext_lazy("commitment event", "revoked")
    AUTO_REVOKED = "auto_revoked", pgettext_lazy("commitment event", "revoked for upheld breaches")
    BREACH_FLAGGED = "breach_flagged", pgettext_lazy("commitment event", "possible breach flagged")
    BREACH_UPHELD = "breach_upheld", pgettext_lazy("commitment event", "breach upheld")
    BREACH_DISMISSED = "breach_dismissed", pgettext_lazy("commitment event", "possible breach dismissed")


class CommitmentEvent(models.Model):
    """Append-only history of a pledge: who did what, when, why, and the rule version it rested on (the database
    refuses changes too)."""

    commitment = models.ForeignKey(Commitment, on_delete=models.PROTECT, related_name="events",
                                   verbose_name=_("commitment"))
    breach = models.ForeignKey(Breach, null=True, blank=True, on_delete=models.PROTECT, related_name="events",
                               verbose_name=_("possible breach"))
    at = models.DateTimeField(_("when"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+", verbose_name=_("by"))
    actor_label = models.CharField(_("by (name)"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    from_status = models.CharField(_("from status"), max_length=20, blank=True)
    to_status = models.CharField(_("to status"), max_length=20, blank=True)
    rule = models.ForeignKey(CommitmentRule, on_delete=models.PROTECT, related_name="+", verbose_name=_("rule"))
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("commitment event")
        verbose_name_plural = _("commitment events")
        ordering = ("at", "id")

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RuntimeError("commitment events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("commitment events are append-only")


class Rating(models.Model):
    """A visitor's rating of a listed pledge: 1–5 stars and an optional comment, which only the authority reads.
    `rater` is a hash of the session (or "user:<id>"): one rating per session, or per account, per entry."""

    commitment = models.ForeignKey(Commitment, on_delete=models.PROTECT, related_name="ratings",
                                   verbose_name=_("commitment"))
    stars = models.PositiveSmallIntegerField(_("stars"), validators=[MinValueValidator(1), MaxValueValidator(5)])
    comment = models.TextField(_("comment"), blank=True)
    at = models.DateTimeField(_("when"))
    rater = models.CharField(_("rater"), max_length=64)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+")

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        constraints = (models.UniqueConstraint(fields=["commitment", "rater"], name="rating_one_per_rater"),
                       models.CheckConstraint(condition=Q(stars__gte=1, stars__lte=5), name="rating_stars_1_5"))
