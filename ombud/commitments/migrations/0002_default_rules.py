# ruff: noqa: RUF012
"""The first version of each registry's rules (ombud/commitments/defaults.py); administrators add versions."""
from django.db import migrations


def forwards(apps, schema_editor):
    from ombud.commitments.defaults import RULES

    Rule = apps.get_model("commitments", "CommitmentRule")
    for row in RULES:
        Rule.objects.get_or_create(registry=row["registry"], version=row["version"], defaults=row)


class Migration(migrations.Migration):
    dependencies = [("commitments", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
