from django.db import models


class DocumentCounter(models.Model):
    """The last number an authority gave a document in a year: one sequence across all forms."""

    authority = models.ForeignKey("regions.Authority", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["authority", "year"], name="counter_authority_year")]


class Document(models.Model):
    """An official document (文书) issued on a case, attached to the event that produced it."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="documents")
    event = models.ForeignKey("cases.CaseEvent", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                              db_index=False)
    form = models.CharField(max_length=30)  # see documents.forms.FORMS
    title = models.CharField(max_length=100)
    authority = models.ForeignKey("regions.Authority", on_delete=models.PROTECT, related_name="+", db_index=False)
    year = models.PositiveIntegerField()
    sequence = models.PositiveIntegerField()
    number = models.CharField(max_length=80)
    content = models.JSONField()  # the filled form: addressee, paragraphs, fields, signature
    issued_at = models.DateTimeField()
    pdf = models.FileField(upload_to="documents/%Y/", blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["authority", "year", "sequence"], name="document_number")]
        ordering = ["issued_at", "id"]

    def __str__(self):
        return self.number
