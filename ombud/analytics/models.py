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
