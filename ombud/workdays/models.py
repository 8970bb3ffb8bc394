from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone


class HolidayArrangement(models.Model):
    """One year's holiday arrangement (节假日安排) as the State Council publishes it.

    A year with a row here is defined by this table alone: its `CalendarDay` rows
    list the days off and the adjusted weekend working days (调休); every other
    day is a working day from Monday to Friday. This overrides the
    `chinese-calendar` package for the years it covers. `official=False` marks an
    arrangement entered ahead of the official notice: it is used, but deadlines
    computed with it stay provisional.
    """

    year = models.PositiveIntegerField(unique=True)
    source = models.TextField(blank=True, help_text="where the arrangement comes from, e.g. 国办发明电〔2026〕x号")
    loaded_at = models.DateTimeField(default=timezone.now)
    official = models.BooleanField(default=True)

    class Meta:
        ordering = ["year"]

    def __str__(self):
        return f"{self.year}" + ("" if self.official else " (unofficial)")


class CalendarDay(models.Model):
    HOLIDAY = "holiday"
    WORKDAY = "workday"
    KINDS = [(HOLIDAY, "holiday (day off)"), (WORKDAY, "adjusted working day (调休, on a weekend)")]

    date = models.DateField(unique=True)
    kind = models.CharField(max_length=10, choices=KINDS)
    name = models.CharField(max_length=100, blank=True)  # "国庆节"
    arrangement = models.ForeignKey(HolidayArrangement, on_delete=models.CASCADE, related_name="days")

    class Meta:
        ordering = ["date"]

    def __str__(self):
        return f"{self.date} {self.kind} {self.name}".strip()

    def clean(self):
        if self.date and self.arrangement_id and self.date.year != self.arrangement.year:
            raise ValidationError({"date": f"{self.date} is not in {self.arrangement.year}"})
        if self.date and self.kind == self.WORKDAY and self.date.weekday() < 5:
            raise ValidationError({"kind": f"{self.date} is a weekday; an adjusted working day falls on a weekend"})
