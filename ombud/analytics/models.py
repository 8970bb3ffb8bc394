from django.db import models
from django.utils.translation import gettext_lazy as _


class SynthRun(models.Model):
    """One `ombud synth` year: its parameters and how far it got, so a stopped run resumes."""

    year = models.PositiveIntegerField(_("year"))
    seed = models.BigIntegerField(_("seed"))
    cases = models.BigIntegerField(_("cases"))
    as_of = models.DateTimeField(_("as of"))
    business_ids = models.JSONField(_("respondent ids"), default=list)  # [[first, count]]: the pool, in order
    days_done = models.PositiveIntegerField(_("days written"), default=0)
    days = models.PositiveIntegerField(_("days"), default=0)
    written = models.JSONField(_("rows written"), default=dict)
    seconds = models.FloatField(_("seconds"), default=0)
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("generated year")
        verbose_name_plural = _("generated years")
        constraints = [models.UniqueConstraint(fields=["year", "seed", "cases"], name="synthrun_params")]

    def __str__(self):
        return f"{self.year} × {self.cases} (seed {self.seed})"


class ScorecardFormula(models.Model):
    """The published formula of the regional consumer-environment scorecard (消费环境评价): which indicators
    count, their weights, and how each is scaled among peer regions. Rules as data: an administrator adds a
    new version; a published version is never changed in place (its figures were published with it)."""

    class Normalisation(models.TextChoices):
        MINMAX = "minmax", _("min-max among peers")
        RANK = "rank", _("rank among peers")

    version = models.PositiveIntegerField(_("version"), unique=True)
    weights = models.JSONField(_("weights"), default=dict,
                               help_text=_("{indicator: weight}; the indicators listed are the ones that count."))
    normalisation = models.CharField(_("normalisation"), max_length=20, choices=Normalisation.choices,
                                     default=Normalisation.MINMAX)
    published_on = models.DateField(_("published on"), null=True, blank=True,
                                    help_text=_("Once set, this version's number, weights, normalisation and "
                                                "publication date can no longer change: save it as a new "
                                                "version instead."))
    notes = models.TextField(_("notes"), blank=True)
    active = models.BooleanField(_("active"), default=True,
                                 help_text=_("The scorecard uses the active version with the highest number."))

    class Meta:
        verbose_name = _("scorecard formula")
        verbose_name_plural = _("scorecard formulas")
        ordering = ["-version"]

    def __str__(self):
        return _("scorecard formula, version %(version)s") % {"version": self.version}

    LOCKED = ("version", "weights", "normalisation", "published_on")

    def clean(self):
        from django.core.exceptions import ValidationError

        from .scorecard import INDICATORS

        errors = {}
        weights = self.weights if isinstance(self.weights, dict) else None
        if not weights:
            errors["weights"] = _("Give at least one indicator a weight, e.g. {\"satisfaction\": 1}.")
        else:
            unknown = sorted(set(weights) - set(INDICATORS))
            bad = sorted(k for k, v in weights.items()
                         if isinstance(v, bool) or not isinstance(v, (int, float)) or v < 0)
            if unknown:
                errors["weights"] = _("Unknown indicators: %(names)s. Known: %(known)s.") % {
                    "names": ", ".join(unknown), "known": ", ".join(INDICATORS)}
            elif bad:
                errors["weights"] = _("A weight is a number of 0 or more: %(names)s.") % {"names": ", ".join(bad)}
            elif not sum(weights.values()):
                errors["weights"] = _("The weights add up to nothing: give at least one a positive weight.")
        if self.pk:
            stored = type(self).objects.filter(pk=self.pk).first()
            if stored and stored.published_on and any(getattr(stored, f) != getattr(self, f) for f in self.LOCKED):
                errors["__all__"] = _("Version %(version)s is published: its number, weights, normalisation and "
                                      "publication date cannot change. Save it as a new version instead.") % {
                    "version": stored.version}
        if errors:
            raise ValidationError(errors)
