from django.db import models


class RuleSet(models.Model):
    """One version of the statutory procedure: periods, grounds and citations, as data.

    `citations` maps a decision key (e.g. "routing.complaint") to
    {"article": "Art. 10", "text": "...", "confirmed": bool}. An entry with
    confirmed=false still needs checking against the gazette text.
    """

    code = models.CharField(max_length=20)  # "R2022", "R2026"
    version = models.PositiveIntegerField(default=1)
    title = models.CharField(max_length=300)
    instrument = models.CharField(max_length=300, blank=True)
    effective_from = models.DateField()
    effective_until = models.DateField(null=True, blank=True)  # exclusive
    citations = models.JSONField(default=dict)
    periods = models.JSONField(default=dict, blank=True)
    refusal_grounds = models.JSONField(default=list, blank=True)
    termination_grounds = models.JSONField(default=list, blank=True)
    active = models.BooleanField(default=True)
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="ruleset_code_version")]
        ordering = ["effective_from", "version"]

    def __str__(self):
        return f"{self.code} v{self.version}"

    @property
    def label(self):
        return self.code if self.version == 1 else f"{self.code}v{self.version}"

    def cite(self, key):
        """'R2026 Art. 12' for a decision key; raises KeyError if the rule set lacks it."""
        return f"{self.code} {self.citations[key]['article']}"
