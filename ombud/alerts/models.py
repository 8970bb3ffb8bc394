"""Early warning on daily complaint counts, and the consumer warnings published from it.

The Implementing Regulations of the Consumer Rights Protection Law (in force 2024-07-01), Art. 27, ask the
authorities to analyse complaint data and issue consumer early warnings; R2026 adds an early-warning article
of its own. Detection (detection.py) raises an `Alert` per series whose count for a day passes its
threshold; a supervisor dismisses it or drafts a `ConsumerWarning` (消费提示 / 消费警示), which a second
person approves before it is published. Every step of a warning is an append-only `WarningEvent`.
"""
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ombud.rules.models import RuleSet


class Level(models.TextChoices):
    RESPONDENT = "respondent", pgettext_lazy("alert level", "business complained about")
    CATEGORY = "category", pgettext_lazy("alert level", "goods or service and issue")
    REGION = "region", pgettext_lazy("alert level", "region")


# The methods of ombud.analytics.surveillance.METHODS, named for a person.
METHOD_LABELS = {
    "farrington_dow": _("quasi-Poisson regression with day-of-week effects (Farrington type)"),
    "ears_c1": _("EARS C1 (7-day baseline)"),
    "ears_c2": _("EARS C2 (7-day baseline after a 2-day gap)"),
    "ears_c3": _("EARS C3 (sum of three days of C2)"),
}
METHOD_CHOICES = list(METHOD_LABELS.items())


class DetectionRule(models.Model):
    """How one level is watched: the method, its parameters, and which series are worth checking (data, not code)."""

    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    method = models.CharField(_("method"), max_length=30, choices=METHOD_CHOICES, default="farrington_dow")
    min_count = models.PositiveIntegerField(
        _("fewest cases in the window"), default=10,
        help_text=_("A series with fewer complaints than this over the whole window is not checked."))
    window = models.PositiveIntegerField(
        _("days of history"), default=100, validators=[MinValueValidator(64), MaxValueValidator(400)],
        help_text=_("How many days up to the day checked are read; the method needs 63 days before the day."))
    params = models.JSONField(
        _("method parameters"), default=dict, blank=True,
        help_text=_('Keyword arguments of the method, e.g. {"alpha": 0.01, "min_count": 3}.'))
    active = models.BooleanField(_("active"), default=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    notes = models.TextField(_("notes"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("detection rule")
        verbose_name_plural = _("detection rules")
        ordering = ["level", "method"]
        constraints = [models.UniqueConstraint(fields=["level", "method"], name="detectionrule_level_method")]

    def __str__(self):
        return f"{self.get_level_display()} · {self.get_method_display()} v{self.version}"

    def clean(self):
        """The parameters must be ones the method takes, so that a typo is refused here, not at 06:30."""
        import inspect

        from django.core.exceptions import ValidationError

        from ombud.analytics.surveillance import METHODS

        method = METHODS.get(self.method)
        if not isinstance(self.params, dict):
            raise ValidationError({"params": _("Give the parameters as an object of names and values.")})
        if method is not None:
            taken = {n for n, p in inspect.signature(method).parameters.items() if p.kind == p.KEYWORD_ONLY}
            unknown = sorted(set(self.params) - taken)
            if unknown:
                raise ValidationError({"params": _("The method takes no parameter %(names)s; it takes %(taken)s.")
                                       % {"names": ", ".join(unknown), "taken": ", ".join(sorted(taken))}})


class AlertStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("alert status", "open")
    DISMISSED = "dismissed", pgettext_lazy("alert status", "dismissed")
    WARNED = "warned", pgettext_lazy("alert status", "warning drafted")


class Alert(models.Model):
    """One series whose count on one day passed the method's threshold.

    `key` names the series: a respondent's id, "category:issue", or a division code. `scope` is the region
    the series belongs to (a province, or "100000" for the nation); `scope_path` is its path ("" for the
    nation), so a supervisor sees the alerts of their own subtree only."""

    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    key = models.CharField(_("series"), max_length=130)
    scope = models.CharField(_("region scope"), max_length=6)
    scope_path = models.CharField(_("region path"), max_length=6, blank=True)
    day = models.DateField(_("day"))
    observed = models.PositiveIntegerField(_("observed"))
    expected = models.FloatField(_("expected"), null=True, blank=True)
    threshold = models.FloatField(_("threshold"), null=True, blank=True)  # EARS C3 may have none (-inf)
    statistic = models.FloatField(_("statistic"), null=True, blank=True)
    method = models.CharField(_("method"), max_length=30, choices=METHOD_CHOICES)
    rule_version = models.PositiveIntegerField(_("rule version"), default=1)
    series = models.JSONField(_("daily counts"), default=list, blank=True)  # [{day, n, expected, threshold}]
    status = models.CharField(_("status"), max_length=20, choices=AlertStatus.choices, default=AlertStatus.OPEN)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("early-warning alert")
        verbose_name_plural = _("early-warning alerts")
        constraints = [models.UniqueConstraint(fields=["level", "key", "day", "method"],
                                               name="alert_level_key_day_method")]
        indexes = [models.Index(fields=["status", "-day"], name="alert_status_day"),
                   models.Index(fields=["scope_path", "status", "-day"], name="alert_scope_status_day")]

    def __str__(self):
        return f"{self.level}:{self.key} {self.day}"

    @property
    def ratio(self):
        return self.observed / self.expected if self.expected else None


class WarningKind(models.TextChoices):
    TIP = "tip", _("consumer tip")
    ALERT = "alert", _("consumer alert")


class WarningStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("warning status", "draft")
    APPROVED = "approved", pgettext_lazy("warning status", "approved")
    PUBLISHED = "published", pgettext_lazy("warning status", "published")
    WITHDRAWN = "withdrawn", pgettext_lazy("warning status", "withdrawn")


class ConsumerWarning(models.Model):
    """A consumer tip (消费提示) or alert (消费警示), in both languages, approved by a second person.

    `articles` are stored references ("IR Art. 27"), rendered in the reader's language through the
    regulations of `rule_set` (ombud.rules.citations)."""

    kind = models.CharField(_("kind"), max_length=10, choices=WarningKind.choices, default=WarningKind.TIP)
    title_zh = models.CharField(_("title (Chinese)"), max_length=200, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    body_zh = models.TextField(_("text (Chinese)"), blank=True)
    body_en = models.TextField(_("text (English)"), blank=True)
    scope = models.CharField(_("region scope"), max_length=6)
    scope_path = models.CharField(_("region path"), max_length=6, blank=True)
    source_alert = models.ForeignKey(Alert, null=True, blank=True, on_delete=models.PROTECT, related_name="warnings",
                                     verbose_name=_("source alert"))
    status = models.CharField(_("status"), max_length=20, choices=WarningStatus.choices, default=WarningStatus.DRAFT)
    drafted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("drafted by"))
    drafted_at = models.DateTimeField(_("drafted at"))
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("approved by"))
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    rule_set = models.ForeignKey(RuleSet, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                 db_constraint=False, verbose_name=_("rule set"))
    articles = models.JSONField(_("articles"), default=list, blank=True)

    class Meta:
        verbose_name = _("consumer warning")
        verbose_name_plural = _("consumer warnings")
        indexes = [models.Index(fields=["status", "-published_at"], name="warning_status_published"),
                   models.Index(fields=["scope_path", "-drafted_at"], name="warning_scope_drafted")]

    def __str__(self):
        return self.title_zh or self.title_en or f"#{self.pk}"

    def title(self, english):
        return self.title_en if english else self.title_zh

    def body(self, english):
        return self.body_en if english else self.body_zh


class WarningAction(models.TextChoices):
    DRAFTED = "drafted", _("drafted")
    EDITED = "edited", _("edited")
    APPROVED = "approved", pgettext_lazy("warning event", "approved")
    PUBLISHED = "published", pgettext_lazy("warning event", "published")
    WITHDRAWN = "withdrawn", pgettext_lazy("warning event", "withdrawn")


class WarningEvent(models.Model):
    """Append-only history of a warning: who did what, when, and why (the database refuses changes too)."""

    warning = models.ForeignKey(ConsumerWarning, on_delete=models.PROTECT, related_name="events",
                                verbose_name=_("consumer warning"))
    at = models.DateTimeField(_("when"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+", verbose_name=_("by"))
    actor_label = models.CharField(_("by (name)"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=20, choices=WarningAction.choices)
    from_status = models.CharField(_("from status"), max_length=20, blank=True)
    to_status = models.CharField(_("to status"), max_length=20, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("consumer warning event")
        verbose_name_plural = _("consumer warning events")
        ordering = ["at", "id"]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RuntimeError("warning events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("warning events are append-only")
