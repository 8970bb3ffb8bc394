"""Consumer-field credit (消费领域信用): the periods that decide what of a business's penalties and listings the
public sees (`CreditRule`), the published grade formula (`CreditFormula`), and entries on the serious-violation
list (严重违法失信名单, `ListEntry`) with their append-only history (`ListEvent`).

Rules and formulas are data, versioned: a version with `published_on` set never changes; an administrator saves a
new one. Each period of a rule carries its citation and whether its article was read (`citations`)."""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class _Locked(models.Model):
    """A version that is published cannot change (as disclosure.PublicationRule)."""

    LOCKED = ()

    class Meta:
        abstract = True

    def locked_errors(self):
        if not self.pk:
            return {}
        stored = type(self).objects.filter(pk=self.pk).first()
        if stored and stored.published_on and any(getattr(stored, f) != getattr(self, f) for f in self.LOCKED):
            return {"__all__": _("Version %(version)s is published and cannot change. Save it as a new version "
                                 "instead.") % {"version": stored.version}}
        return {}


class CreditRule(_Locked):
    """How long a penalty stays in public view, when credit repair may be applied for, and how long a listing on
    the serious-violation list lasts. The version in force on a day is the highest published one whose
    `effective_from` is not after it."""

    version = models.PositiveIntegerField(_("version"), unique=True)
    effective_from = models.DateField(_("in force from"))
    minor_public_months = models.PositiveSmallIntegerField(
        _("months a minor penalty stays public"), default=3,
        help_text=_("A circulated criticism or a lower fine only."))
    public_years = models.PositiveSmallIntegerField(_("years another penalty stays public"), default=3)
    low_fine_max = models.DecimalField(
        _("highest lower fine (¥)"), max_digits=14, decimal_places=2, null=True, blank=True,
        help_text=_("Set by the provincial market regulator. Empty: only a penalty without any fine or "
                    "confiscation counts as minor."))
    repair_after_months = models.PositiveSmallIntegerField(
        _("months before credit repair may be applied for"), default=6)
    list_years = models.PositiveSmallIntegerField(_("years on the serious-violation list"), default=3)
    early_removal_years = models.PositiveSmallIntegerField(_("years before early removal may be applied for"),
                                                           default=1)
    list_articles = models.JSONField(_("articles a listing may rest on"), default=list,
                                     help_text=_('References such as "SVL Art. 8".'))
    regulations = models.JSONField(_("regulations cited"), default=dict,
                                   help_text=_("Titles of the regulations, by the key used in references."))
    citations = models.JSONField(_("citations"), default=dict,
                                 help_text=_("For each period: the reference, whether the article was read "
                                             "(confirmed), and where."))
    published_on = models.DateField(_("published on"), null=True, blank=True,
                                    help_text=_("Once set, this version can no longer change: save a new one."))
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    LOCKED = ("version", "effective_from", "minor_public_months", "public_years", "low_fine_max",
              "repair_after_months", "list_years", "early_removal_years", "list_articles", "regulations",
              "citations", "published_on")

    class Meta:
        verbose_name = _("credit rule")
        verbose_name_plural = _("credit rules")
        ordering = ("-version",)

    def __str__(self):
        return _("credit rule, version %(version)s") % {"version": self.version}

    def clean(self):
        from django.core.exceptions import ValidationError

        from ombud.rules.citations import parse

        errors = self.locked_errors()
        if not isinstance(self.regulations, dict) or not all(
                isinstance(v, dict) and v.get("title_zh") for v in self.regulations.values()):
            errors["regulations"] = _("Give an object of regulations, each with at least its title_zh.")
        elif not isinstance(self.list_articles, list) or not self.list_articles or not all(
                isinstance(a, str) and (parse(a, self) or (None, None))[1] for a in self.list_articles):
            errors["list_articles"] = _("Give a list of references to the regulations above, e.g. SVL Art. 8.")
        if not isinstance(self.citations, dict) or not all(
                isinstance(v, dict) and isinstance(v.get("ref"), str) and isinstance(v.get("confirmed"), bool)
                for v in self.citations.values()):
            errors["citations"] = _('Give an object of citations, each with "ref" and "confirmed" (true or false).')
        if errors:
            raise ValidationError(errors)

    def cite(self, name):
        """The citation of one period: {"ref", "confirmed", "source", "says"} ({} if none)."""
        return (self.citations or {}).get(name) or {}


class CreditFormula(_Locked):
    """The published formula of the credit grade: weights and grade thresholds (see ombud/credit/grade.py)."""

    version = models.PositiveIntegerField(_("version"), unique=True)
    weights = models.JSONField(_("weights"), default=dict)
    thresholds = models.JSONField(_("grade thresholds"), default=list,
                                  help_text=_('[grade, lowest score] pairs, e.g. [["A", 90], ["B", 75], ["D", 0]].'))
    published_on = models.DateField(_("published on"), null=True, blank=True,
                                    help_text=_("Once set, this version can no longer change: save a new one. "
                                                "The public sees the highest active version published by today."))
    active = models.BooleanField(_("active"), default=True)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    LOCKED = ("version", "weights", "thresholds", "published_on")

    class Meta:
        verbose_name = _("credit grade formula")
        verbose_name_plural = _("credit grade formulas")
        ordering = ("-version",)

    def __str__(self):
        return _("credit grade formula, version %(version)s") % {"version": self.version}

    def clean(self):
        from django.core.exceptions import ValidationError
        from django.utils.translation import gettext

        from .grade import check

        errors = self.locked_errors()
        for field, template, params in check(self.weights, self.thresholds):
            errors.setdefault(field, gettext(template) % params if params else gettext(template))
        if errors:
            raise ValidationError(errors)


class ListEntry(models.Model):
    """A business on the serious-violation list (严重违法失信名单): the article and decision it rests on, when it was
    listed and when it may be removed; removed with a reason. Open entries are public."""

    business = models.ForeignKey("businesses.Business", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("business"))
    authority = models.ForeignKey("regions.Authority", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+", verbose_name=_("listing authority"))
    article = models.CharField(_("legal basis"), max_length=60)
    decision_number = models.CharField(_("decision number"), max_length=100)
    listed_on = models.DateField(_("listed on"))
    removal_eligible_on = models.DateField(_("may be removed on"))
    removed_on = models.DateField(_("removed on"), null=True, blank=True)
    removal_reason = models.TextField(_("reason for removal"), blank=True)
    rule = models.ForeignKey(CreditRule, on_delete=models.PROTECT, related_name="+", verbose_name=_("credit rule"))
    created_at = models.DateTimeField(_("created at"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("created by"))

    class Meta:
        verbose_name = _("serious-violation list entry")
        verbose_name_plural = _("serious-violation list entries")
        constraints = (models.UniqueConstraint(fields=["business"], condition=Q(removed_on__isnull=True),
                                               name="credit_listentry_one_open"),)
        indexes = (models.Index(fields=["removed_on", "listed_on"], name="credit_listentry_open"),)

    def __str__(self):
        return f"{self.business_id} {self.decision_number}"

    @property
    def listed(self):
        return self.removed_on is None


class ListAction(models.TextChoices):
    LISTED = "listed", pgettext_lazy("serious-violation list", "listed")
    REMOVED = "removed", pgettext_lazy("serious-violation list", "removed")


class ListEvent(models.Model):
    """Append-only history of a list entry: who did what, when, why, under which rule version (the database
    refuses changes too)."""

    entry = models.ForeignKey(ListEntry, on_delete=models.PROTECT, related_name="events",
                              verbose_name=_("serious-violation list entry"))
    at = models.DateTimeField(_("when"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+", verbose_name=_("by"))
    actor_label = models.CharField(_("by (name)"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=20, choices=ListAction.choices)
    article = models.CharField(_("legal basis"), max_length=60, blank=True)
    rule = models.ForeignKey(CreditRule, on_delete=models.PROTECT, related_name="+", verbose_name=_("credit rule"))
    note = models.TextField(_("note"), blank=True)
    data = models.JSONField(_("details"), default=dict)

    class Meta:
        verbose_name = _("serious-violation list event")
        verbose_name_plural = _("serious-violation list events")
        ordering = ("at", "id")

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RuntimeError("serious-violation list events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("serious-violation list events are append-only")
