"""What the public sees of complaints (投诉信息公示): the publication rule, versioned like the statutory rule
sets, and complainants' accounts (narratives) published with their consent after scrubbing and review."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# What a published case may carry. The parties' identity is not on the list, so no version can publish it.
PUBLISHABLE = {
    "received": _("date received"),
    "authority": _("handling authority"),
    "category": _("goods or service category"),
    "issue": _("issue type"),
    "respondent": _("business complained about"),
    "channel": _("channel"),
    "outcome": _("outcome"),
    "timely": _("accepted within the statutory period"),
    "response": _("the business's public response"),
    "rating": _("the consumer's rating"),
    "narrative": _("the consumer's account (with consent, scrubbed and reviewed)"),
}
PUBLISHABLE_KINDS = ("complaint",)  # a report's informant is protected (Art. 33): reports are never listed
FINISHED = ("closed", "refused", "withdrawn")


class PublicationRule(models.Model):
    """Which cases are published, after how long, and which of their fields. Rules as data: an administrator
    adds a version; a published version is never changed in place."""

    version = models.PositiveIntegerField(_("version"), unique=True)
    kinds = models.JSONField(_("kinds of case"), default=list)
    statuses = models.JSONField(_("statuses"), default=list,
                                help_text=_("A case is published once it has reached one of these."))
    delay_days = models.PositiveIntegerField(
        _("days before publication"), default=7,
        help_text=_("Days after the case finished: time for the business to give its public response."))
    public_years = models.PositiveIntegerField(_("years kept public"), default=3)
    fields = models.JSONField(_("published fields"), default=list)
    narratives = models.BooleanField(_("publish consumers' accounts"), default=True,
                                     help_text=_("Only with the complainant's consent, scrubbed and approved."))
    published_on = models.DateField(_("published on"), null=True, blank=True,
                                    help_text=_("Once set, this version can no longer change: save a new one."))
    active = models.BooleanField(_("active"), default=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("publication rule")
        verbose_name_plural = _("publication rules")
        ordering = ["-version"]

    def __str__(self):
        return _("publication rule, version %(version)s") % {"version": self.version}

    LOCKED = ("version", "kinds", "statuses", "delay_days", "public_years", "fields", "narratives", "published_on")

    def clean(self):
        from django.core.exceptions import ValidationError

        errors = {}
        for name, allowed in (("kinds", PUBLISHABLE_KINDS), ("statuses", FINISHED), ("fields", tuple(PUBLISHABLE))):
            value = getattr(self, name)
            if not isinstance(value, list) or not value:
                errors[name] = _("Give a list with at least one of: %(known)s.") % {"known": ", ".join(allowed)}
            elif unknown := sorted(set(map(str, value)) - set(allowed)):
                errors[name] = _("Not allowed: %(names)s. Allowed: %(known)s.") % {
                    "names": ", ".join(unknown), "known": ", ".join(allowed)}
        if self.pk:
            stored = type(self).objects.filter(pk=self.pk).first()
            if stored and stored.published_on and any(getattr(stored, f) != getattr(self, f) for f in self.LOCKED):
                errors["__all__"] = _("Version %(version)s is published and cannot change. Save it as a new "
                                      "version instead.") % {"version": stored.version}
        if errors:
            raise ValidationError(errors)


class NarrativeStatus(models.TextChoices):
    PENDING = "pending", _("awaiting review")
    APPROVED = "approved", _("approved")
    REJECTED = "rejected", _("not published")
    WITHDRAWN = "withdrawn", _("consent withdrawn")


class Narrative(models.Model):
    """A complainant's account, queued for publication because they consented. `scrubbed` is what the
    recognisers left; `text` is what a reviewer approved. Only the types and places of what was removed are
    kept, never the removed text itself."""

    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, related_name="+", verbose_name=_("case"))
    status = models.CharField(_("status"), max_length=20, choices=NarrativeStatus.choices,
                              default=NarrativeStatus.PENDING)
    scrubbed = models.TextField(_("scrubbed automatically"))
    removed = models.JSONField(_("removed"), default=list)  # [[type, start, end]] in the source text
    text = models.TextField(_("published text"), blank=True)
    queued_at = models.DateTimeField(_("queued at"))
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("reviewed by"))

    class Meta:
        verbose_name = _("consumer's account")
        verbose_name_plural = _("consumers' accounts")
        indexes = [models.Index(fields=["status", "queued_at"], name="narrative_status_queued")]

    def __str__(self):
        return f"{self.case_id} ({self.status})"


class NarrativeAction(models.TextChoices):
    QUEUED = "queued", _("queued for review")
    APPROVED = "approved", _("approved for publication")
    REJECTED = "rejected", _("not published")
    WITHDRAWN = "withdrawn", _("consent withdrawn")


class NarrativeEvent(models.Model):
    """Append-only history of an account: who did what, when, and on what basis (the database refuses
    changes too)."""

    narrative = models.ForeignKey(Narrative, on_delete=models.PROTECT, related_name="events",
                                  verbose_name=_("consumer's account"))
    at = models.DateTimeField(_("when"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+", verbose_name=_("by"))
    action = models.CharField(_("action"), max_length=20, choices=NarrativeAction.choices)
    rule_version = models.PositiveIntegerField(_("publication rule version"), null=True)
    note = models.TextField(_("note"), blank=True)  # a person's words: why it was not published
    data = models.JSONField(_("details"), default=dict)  # {"removed": [types]} or {"edited": true}

    class Meta:
        verbose_name = _("account event")
        verbose_name_plural = _("account events")
        ordering = ["at", "id"]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RuntimeError("account events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("account events are append-only")


class PublishedComplaint(models.Model):
    """The open complaint database (公开投诉库): one row per published complaint, as the rule in force
    publishes it. `services.publish_due` writes it from the case tables; the public search, trends and
    export read only this table. A field the rule does not publish is left empty, and nothing of the
    complainant's identity has a column here."""

    id = models.BigIntegerField(_("complaint number"), primary_key=True)  # the case's id, never its ticket
    received = models.DateField(_("date received"))
    finished = models.DateField(_("date finished"))
    published_at = models.DateTimeField(_("published at"))
    rule_version = models.PositiveIntegerField(_("publication rule version"))
    # The handling authority's region, at each level, so a subtree filter is one indexed equality.
    province = models.CharField(_("province"), max_length=6, blank=True)
    prefecture = models.CharField(_("prefecture"), max_length=6, blank=True)
    county = models.CharField(_("county"), max_length=6, blank=True)
    authority = models.CharField(_("handling authority"), max_length=200, blank=True)
    category = models.CharField(_("goods or service category"), max_length=60, blank=True)
    issue = models.CharField(_("issue type"), max_length=60, blank=True)
    respondent_id = models.BigIntegerField(_("business"), null=True, blank=True)
    respondent = models.CharField(_("business complained about"), max_length=200, blank=True)
    uscc = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    channel = models.CharField(_("channel"), max_length=20, blank=True)
    outcome = models.CharField(_("outcome"), max_length=30, blank=True)
    timely = models.BooleanField(_("accepted within the statutory period"), null=True)
    rating = models.PositiveSmallIntegerField(_("the consumer's rating"), null=True, blank=True)
    narrative = models.TextField(_("the consumer's account"), blank=True)
    response = models.TextField(_("the business's public response"), blank=True)
    has_narrative = models.BooleanField(_("has an account"), default=False)
    search = models.TextField(_("words indexed"), blank=True)  # account and response cut into words (jieba)

    class Meta:
        verbose_name = _("published complaint")
        verbose_name_plural = _("published complaints")
        indexes = [
            models.Index(fields=["-received", "-id"], name="pub_received"),
            models.Index(fields=["province", "-received"], name="pub_province"),
            models.Index(fields=["prefecture", "-received"], name="pub_prefecture"),
            models.Index(fields=["county", "-received"], name="pub_county"),
            models.Index(fields=["category", "-received"], name="pub_category"),
            models.Index(fields=["issue", "-received"], name="pub_issue"),
            models.Index(fields=["respondent_id", "-received"], name="pub_respondent"),
            models.Index(fields=["respondent", "-received"], name="pub_respondent_name"),  # company= by name
            models.Index(fields=["uscc"], name="pub_uscc"),
            models.Index(fields=["finished"], name="pub_finished"),
        ]

    def __str__(self):
        return str(self.id)


class PublicationRun(models.Model):
    """One pass of `services.publish_due`: what it added, changed and took down, and the case-event
    watermark it reached. The latest finished run is the database's `last_updated`."""

    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    rule_version = models.PositiveIntegerField(_("publication rule version"), null=True)
    watermark = models.BigIntegerField(_("last case event read"), default=0)
    cutoff = models.DateTimeField(_("finished before"), null=True)  # cases finished before this were due
    added = models.PositiveIntegerField(_("added"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    removed = models.PositiveIntegerField(_("taken down"), default=0)
    total = models.PositiveIntegerField(_("published in all"), default=0)
    # The pass also counted the database per value (FacetCount, TrendCount): searches read those counts
    # only while this is the latest finished run, so they never mix two passes.
    counted = models.BooleanField(_("counts per value kept"), default=False)
    recounted = models.BooleanField(_("counted everything again"), default=False)  # not only moved by its changes
    counting_seconds = models.FloatField(_("seconds spent counting"), null=True, blank=True)

    class Meta:
        verbose_name = _("publication run")
        verbose_name_plural = _("publication runs")
        ordering = ["-started_at"]

    def __str__(self):
        return f"{self.started_at:%Y-%m-%d %H:%M} +{self.added} ~{self.updated} -{self.removed}"


class FacetCount(models.Model):
    """Counts per value of the open database, kept by each publication pass (cube.rebuild) and by each
    complaint republished between passes (cube.shift): a search with at most one filter reads its counts
    per value here instead of counting two million rows (docs/benchmarks.md, issue 10).

    `filter`/`value` is the one filter applied ("" and "": none); `facet`/`key` the value counted. A
    business list (facet "company") keeps only its largest entries; its row with key "" holds the most
    an unlisted business can have (`n`), so a reader knows when the list is still exact."""

    filter = models.CharField(_("filter"), max_length=20, blank=True)
    value = models.CharField(_("filter value"), max_length=60, blank=True)
    facet = models.CharField(_("counted by"), max_length=20)
    key = models.CharField(_("value counted"), max_length=200, blank=True)
    n = models.BigIntegerField(_("complaints"), default=0)

    class Meta:
        verbose_name = _("count per value")
        verbose_name_plural = _("counts per value")
        constraints = [models.UniqueConstraint(fields=["filter", "value", "facet", "key"], name="facetcount_cell")]


class TrendCount(models.Model):
    """Published complaints per period received × province × category × issue, at three grains, kept with
    FacetCount (and the same per business for the businesses its company list keeps): a trend filtered by
    those only adds these rows up instead of reading every complaint."""

    grain = models.CharField(_("grain"), max_length=5)  # day, week or month
    period = models.DateField(_("period starting"))
    province = models.CharField(_("province"), max_length=6, blank=True)
    category = models.CharField(_("goods or service category"), max_length=60, blank=True)
    issue = models.CharField(_("issue type"), max_length=60, blank=True)
    # "" for everyone's complaints; a business's name for the businesses kept in the company list
    respondent = models.CharField(_("business complained about"), max_length=200, blank=True)
    n = models.BigIntegerField(_("complaints"), default=0)

    class Meta:
        verbose_name = _("count per period")
        verbose_name_plural = _("counts per period")
        constraints = [models.UniqueConstraint(fields=["grain", "period", "province", "category", "issue",
                                                       "respondent"], name="trendcount_cell")]
        indexes = [models.Index(fields=["grain", "respondent", "province", "period"], name="trend_province"),
                   models.Index(fields=["grain", "respondent", "category", "period"], name="trend_category"),
                   models.Index(fields=["grain", "respondent", "period"], name="trend_respondent")]
