# ruff: noqa: RUF012
"""Credit rule version 1 and grade formula version 1 (ombud/credit/defaults.py), and the database refusing to
change a serious-violation list event (as commitments' 0003).

PostgreSQL also refuses row deletes (TRUNCATE, an operator's deliberate act, still works). SQLite's flush is a
DELETE, so there only updates are refused in SQL, and deletes by the model layer."""
from django.db import migrations

SQLITE = [
    ("CREATE TRIGGER credit_listevent_no_update BEFORE UPDATE ON credit_listevent "
     "BEGIN SELECT RAISE(ABORT, 'serious-violation list events are append-only'); END;"),
]
POSTGRES = [
    """CREATE OR REPLACE FUNCTION credit_listevent_append_only() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'serious-violation list events are append-only'; END; $$ LANGUAGE plpgsql;""",
    ("CREATE TRIGGER credit_listevent_no_change BEFORE UPDATE OR DELETE ON credit_listevent "
     "FOR EACH ROW EXECUTE FUNCTION credit_listevent_append_only();"),
]


def forwards(apps, schema_editor):
    from ombud.credit.defaults import FORMULA_V1, RULE_V1

    apps.get_model("credit", "CreditRule").objects.get_or_create(version=1, defaults=RULE_V1)
    apps.get_model("credit", "CreditFormula").objects.get_or_create(version=1, defaults=FORMULA_V1)
    for sql in POSTGRES if schema_editor.connection.vendor == "postgresql" else SQLITE:
        schema_editor.execute(sql)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP TRIGGER IF EXISTS credit_listevent_no_change ON credit_listevent")
        schema_editor.execute("DROP FUNCTION IF EXISTS credit_listevent_append_only()")
    else:
        schema_editor.execute("DROP TRIGGER IF EXISTS credit_listevent_no_update")


class Migration(migrations.Migration):
    dependencies = [("credit", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
