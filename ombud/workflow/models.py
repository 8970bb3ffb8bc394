from django.db import models
from django.db.models import Q

from ombud.cases.models import Case


class CaseDeadline(models.Model):
    """One statutory clock on a case: a step, when it started, and when its period runs out.

    `due` is the moment the period has run out (24:00 local on the last day). A paused clock
    (testing, appraisal) has `paused_at`; on resume the pause joins `pauses` and `due` moves.
    `met_at` closes the clock; `escalated_at` marks the one escalation of an overdue clock.
    """

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="deadlines")
    step = models.CharField(max_length=40)
    article = models.CharField(max_length=60, blank=True)
    unit = models.CharField(max_length=10)  # working, calendar
    days = models.PositiveIntegerField()  # the period including any approved extension
    extended = models.BooleanField(default=False)
    started_at = models.DateTimeField()
    due = models.DateTimeField()
    provisional = models.BooleanField(default=False)
    paused_at = models.DateTimeField(null=True, blank=True)
    pauses = models.JSONField(default=list, blank=True)  # [[from, to], ...] ISO 8601
    met_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["started_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "step"], condition=Q(met_at__isnull=True),
                                    name="deadline_one_open_per_step"),
        ]
        indexes = [
            # The overdue job reads only running clocks that have not been escalated yet.
            models.Index(fields=["due"], name="deadline_running_due",
                         condition=Q(met_at__isnull=True, paused_at__isnull=True, escalated_at__isnull=True)),
            # Recomputing after a year's arrangement is loaded reads only provisional open clocks.
            models.Index(fields=["due"], name="deadline_provisional_due",
                         condition=Q(met_at__isnull=True, provisional=True)),
        ]

    def __str__(self):
        return f"{self.case_id}:{self.step}"

    @property
    def is_open(self):
        return self.met_at is None

    @property
    def last_day(self):
        """The local last day of the period: the date to show (`due` is 00:00 of the next day)."""
        from ombud.workdays.selectors import last_day_of

        return last_day_of(self.due)
