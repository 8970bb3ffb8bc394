from django.conf import settings
from django.db import models


class RuleSet(models.Model):
    """One version of the statutory procedure: periods, grounds and citations, as data.

    `citations` maps a decision key (e.g. "acceptance") to
    {"article": "Art. 14", "text": "...", "confirmed": bool}; `periods` maps a step to
    {"days", "unit", "from", "article", "pausable", "extension_days", ...}; the grounds are
    [{"item", "article", "text_zh", "text_en"}]. confirmed=false: still to check against the gazette.
    `regulations` maps a reference prefix ("" for this rule set's own regulation, "Procedure Rules", …)
    to its titles (title_zh, title_en, short_zh, short_en) for rendering citations (rules.citations).
    A case keeps the version it was received under; amend a version in place only to correct
    it, and add a new version when the law changes.
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
    rewards = models.JSONField(default=dict, blank=True)
    regulations = models.JSONField(default=dict, blank=True)
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
        """'R2026 Art. 12' for a decision key; raises KeyError if the rule set lacks it.

        '' while the article is not known (an empty article in the data, waiting for the gazette text)."""
        article = self.citations[key]["article"]
        return f"{self.code} {article}" if article else ""

    def period(self, step):
        return self.periods.get(step)

    def ground(self, kind, item):
        """The refusal or termination ground numbered `item`, or None."""
        grounds = self.refusal_grounds if kind == "refusal" else self.termination_grounds
        return next((g for g in grounds if g["item"] == item), None)


class RuleSetRevision(models.Model):
    """Append-only history of a rule set: every save in the admin, with what changed and who did it."""

    rule_set = models.ForeignKey(RuleSet, on_delete=models.PROTECT, related_name="revisions")
    at = models.DateTimeField(auto_now_add=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    action = models.CharField(max_length=20)  # created, amended
    changes = models.JSONField(default=dict)  # field -> [old, new]
    snapshot = models.JSONField(default=dict)
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["-at", "-id"]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RuntimeError("rule set revisions are append-only")
        super().save(*args, **kwargs)
