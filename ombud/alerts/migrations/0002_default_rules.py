"""The default detection rules, one per level: the day-of-week Farrington method (ombud.analytics.surveillance,
chosen in bench/early_warning.py) over 100 days. Respondents are checked only with at least 10 complaints in
the window, which bounds the work; an administrator changes any of this in the admin."""
from django.db import migrations

DEFAULTS = [
    {"level": "respondent", "min_count": 10,
     "notes": "only businesses with at least 10 complaints in the window are checked"},
    {"level": "category", "min_count": 10, "notes": "goods or service category × issue type, nationwide"},
    {"level": "region", "min_count": 10, "notes": "provinces for the nation, prefectures inside each province"},
]


def forwards(apps, schema_editor):
    Rule = apps.get_model("alerts", "DetectionRule")
    for d in DEFAULTS:
        Rule.objects.get_or_create(level=d["level"], method="farrington_dow",
                                   defaults={"min_count": d["min_count"], "window": 100, "params": {},
                                             "active": True, "version": 1, "notes": d["notes"]})


def backwards(apps, schema_editor):
    Rule = apps.get_model("alerts", "DetectionRule")
    Rule.objects.filter(method="farrington_dow", version=1, level__in=[d["level"] for d in DEFAULTS]).delete()


class Migration(migrations.Migration):
    dependencies = [("alerts", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
