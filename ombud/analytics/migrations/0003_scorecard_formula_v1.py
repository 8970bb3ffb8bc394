import datetime as dt

from django.db import migrations

# Version 1 of the scorecard formula, as published with the scorecard. Copied here (not imported) so
# that this migration keeps creating the same version whatever the code later says.
WEIGHTS = {
    "complaints_per_10k": 0.15,
    "acceptance_timeliness": 0.15,
    "closing_timeliness": 0.15,
    "mediation_success": 0.15,
    "recovered_per_complaint": 0.10,
    "satisfaction": 0.20,
    "odr_coverage": 0.10,
}
NOTES = ("Version 1. Each indicator is scaled 0–1 by min-max among the peer regions (the children of the same "
         "parent), flipped where lower is better; the composite is 100 × Σ weight × scaled value ÷ Σ weight of "
         "the indicators the region has a value for.")


def create(apps, schema_editor):
    ScorecardFormula = apps.get_model("analytics", "ScorecardFormula")
    ScorecardFormula.objects.get_or_create(version=1, defaults={
        "weights": WEIGHTS, "normalisation": "minmax", "published_on": dt.date(2026, 12, 2), "notes": NOTES,
        "active": True})


def remove(apps, schema_editor):
    apps.get_model("analytics", "ScorecardFormula").objects.filter(version=1).delete()


class Migration(migrations.Migration):
    dependencies = [("analytics", "0002_scorecardformula")]
    operations = [migrations.RunPython(create, remove)]
